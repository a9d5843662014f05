// One partition's Wing & Gong search with Lowe's memo of (linearized set, model state),
// iterative over a doubly linked entry list and run in turns: it pauses every
// `stepsPerClockCheck` steps so the caller can read the clock and let other partitions run.
import { buildOrder } from './entry-order.js';
import type { Operation } from './history.js';
import type { Model } from './model.js';

/** Total characters of memo keys over the live searches (about 2 bytes each): keeps the memos near 100 MiB. */
export const memoCharsMax = 48_000_000;
/** Linearized calls within this many slots of the first live slot fit a numeric memo key. */
const windowBits = 20;
const windowSpan = 2 ** windowBits;
/** Numeric keys stay below 2^53 (exact doubles): (state id, first slot) must stay below this. */
const numericKeyRange = 2 ** (53 - windowBits);
/** What a numeric memo key is counted as against `memoCharsMax`. */
const numberKeyChars = 8;
/** Partitions searched at once (interleaved); the others wait for a free turn. */
export const activeSearchesMax = 16;
/**
 * Distinct model states given a small id, summed over the live searches. Memo keys then
 * carry the id, not the state's hash (a long string for appended values); past the bound,
 * keys carry the hash.
 */
export const stateIdsMax = 1_000_000;

export interface Frame<State> {
  operation: number;
  stateBefore: State;
  stateAfter: State;
  /** `stateName` of stateBefore, kept so undoing needs no new lookup. */
  nameBefore: string | number;
  parent: Frame<State> | undefined;
  depth: number;
  /** Placed because it could not hurt (a fitting read): backtracking skips past it. */
  forced: boolean;
}

export type SearchOutcome<State> =
  | { type: 'ok'; steps: number; memoEntries: number; longest: number }
  | {
      type: 'illegal';
      steps: number;
      memoEntries: number;
      best: Frame<State> | undefined;
      /** Stopped early on a partition proven invalid before the search: `best` is the longest prefix found. */
      cutShort?: boolean;
    }
  | { type: 'timeout'; steps: number; memoEntries: number; best: Frame<State> | undefined };

/** What a paused search has done so far, read when it is stopped (timeout) or finished. */
export interface SearchProgress<State> {
  steps: number;
  memoEntries: number;
  best: Frame<State> | undefined;
}

/** Memo space shared by the searches alive at once, so interleaving keeps the old bound. */
export interface MemoBudget {
  entries: number;
  chars: number;
  entriesMax: number;
  /** Bound on `chars`; default `memoCharsMax` (worker threads split it between them). */
  charsMax?: number;
  /** State ids handed out (see `stateIdsMax`). */
  stateIds: number;
}

/** One partition's search, run in turns. */
export interface PartitionSearch<State> {
  /** Runs up to `stepsPerClockCheck` steps: the outcome once finished, else undefined (paused). */
  resume(): SearchOutcome<State> | undefined;
  /** Ends a paused search that is no longer needed, giving its memo space back. */
  stop(): void;
}

/**
 * Searches one partition, pausing every `stepsPerClockCheck` steps so the caller can read
 * the clock and give other partitions a turn. (A closure, not a generator: V8 runs the
 * hot loop of a generator a few times slower.)
 */
export function createSearch<State>(
  model: Model<State>,
  operations: Operation[],
  options: { stepsPerClockCheck: number; budget: MemoBudget; progress: SearchProgress<State> },
): PartitionSearch<State> {
  const { budget, progress } = options;
  const count = operations.length;
  const order = buildOrder(operations);
  const slots = order.length;
  // List over slots 0..slots-1 with sentinel `slots` as head; positionOf maps entry -> slot.
  const next = new Int32Array(slots + 1);
  const prev = new Int32Array(slots + 1);
  const positionOf = new Int32Array(slots);
  for (let slot = 0; slot < slots; slot++) {
    positionOf[order[slot]!] = slot;
    next[slot] = slot + 1 < slots ? slot + 1 : -1;
    prev[slot] = slot === 0 ? slots : slot - 1;
  }
  next[slots] = slots > 0 ? 0 : -1;
  const linearized = new Uint8Array(count);
  const memo = new Set<string | number>();
  let memoChars = 0;
  let remaining = 0;
  /** 1 for the operations that never change the state (`Model.isReadOnly`). */
  const readOnly = new Uint8Array(count);
  for (let index = 0; index < count; index++) {
    const operation = operations[index]!;
    if (!operation.crashed) remaining++;
    if (model.isReadOnly?.(operation)) readOnly[index] = 1;
  }

  const unlink = (slot: number): void => {
    next[prev[slot]!] = next[slot]!;
    if (next[slot]! !== -1) prev[next[slot]!] = prev[slot]!;
  };
  const relink = (slot: number): void => {
    next[prev[slot]!] = slot;
    if (next[slot]! !== -1) prev[next[slot]!] = slot;
  };
  const stateIds = new Map<string | number, number>();
  /** A short exact name for a state: its id when interned, else its hash (prefix "h" keeps the forms apart). */
  const stateName = (state: State): string | number => {
    const hash = model.hash(state);
    let id = stateIds.get(hash);
    if (id === undefined) {
      if (budget.stateIds >= stateIdsMax) return `h${typeof hash}${hash}`;
      id = stateIds.size;
      stateIds.set(hash, id);
      budget.stateIds++;
    }
    return id;
  };
  /** The slot of the first live return: the operation due next. -1 when none is left. */
  const firstLiveReturn = (): number => {
    let at = next[slots]!;
    while (at !== -1 && (order[at]! & 1) === 0) at = next[at]!;
    return at;
  };
  /**
   * The memo key of (linearized set, state). The set is every call before the first live
   * slot, plus the linearized calls between it and the first live return (all linearized
   * calls precede that return). Mostly those calls sit within `windowBits` slots of the
   * first, and the key is then one number (no string to build); otherwise a string. Which
   * form a key takes depends only on the key's content, so the memo stays exact.
   * `dueSlot` is the first live return (`firstLiveReturn`).
   */
  const memoKey = (name: string | number, dueSlot: number): string | number => {
    const first = next[slots]!;
    const end = dueSlot === -1 ? slots : dueSlot;
    if (typeof name === 'number' && (name + 1) * (slots + 1) < numericKeyRange) {
      let mask = 0;
      let narrow = true;
      for (let slot = first + 1; first !== -1 && slot < end; slot++) {
        const entry = order[slot]!;
        if ((entry & 1) !== 0 || linearized[entry >> 1] !== 1) continue;
        if (slot - first > windowBits) {
          narrow = false;
          break;
        }
        mask |= 1 << (slot - first - 1);
      }
      if (narrow) return (name * (slots + 1) + first + 1) * windowSpan + mask;
    }
    let key = `${name}|${first}`;
    if (first === -1) return key;
    for (let slot = first + 1; slot < end; slot++) {
      const entry = order[slot]!;
      if ((entry & 1) === 0 && linearized[entry >> 1] === 1) key += `,${slot}`;
    }
    return key;
  };

  let state = model.init();
  let nameNow = stateName(state);
  let top: Frame<State> | undefined;
  let best: Frame<State> | undefined;
  let savedSlot = next[slots]!;
  let savedFresh = true;
  let savedSteps = 0;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    budget.entries -= memo.size;
    budget.chars -= memoChars;
    budget.stateIds -= stateIds.size;
  };
  /**
   * False when the model proves that no order of the unlinearized calls before the first
   * live return (at `dueSlot`) leads from `candidate` to a state its operation fits (the
   * calls are unlinked already).
   */
  const reachable = (
    candidate: State,
    placed: number,
    placedReturnSlot: number,
    dueSlot: number,
  ): boolean => {
    if (dueSlot === -1) return true;
    // A read that was not the operation due next leaves the state and that operation as
    // they were at its parent, and a read (which changes nothing) left out of the window
    // never changes where the others can lead: the parent's answer stands.
    if (readOnly[placed] === 1 && dueSlot < placedReturnSlot) return true;
    // A new array each time: cheaper than emptying one (setting length calls into the runtime).
    const window: Operation[] = [];
    for (let call = next[slots]!; call !== dueSlot; call = next[call]!)
      window.push(operations[order[call]! >> 1]!);
    return model.couldReach!(candidate, operations[order[dueSlot]! >> 1]!, window);
  };
  /** Takes back the start of `place` for a placement that does not go ahead. */
  const unplace = (index: number, callSlot: number, returnSlot: number): false => {
    linearized[index] = 0;
    relink(returnSlot);
    relink(callSlot);
    return false;
  };
  /**
   * Places operation `index` (its call at `callSlot`); false when the memo has seen the
   * result or the model proves it leads nowhere (`Model.couldReach`).
   */
  const place = (index: number, callSlot: number, stateAfter: State, forced: boolean): boolean => {
    linearized[index] = 1;
    const returnSlot = positionOf[2 * index + 1]!;
    unlink(callSlot);
    unlink(returnSlot);
    // A read leaves the very same state: its name is known.
    const name = stateAfter === state ? nameNow : stateName(stateAfter);
    const dueSlot = firstLiveReturn();
    const key = memoKey(name, dueSlot);
    if (budget.entries < budget.entriesMax && budget.chars < (budget.charsMax ?? memoCharsMax)) {
      // One hash lookup: the memo grows unless it held the key already.
      const size = memo.size;
      if (memo.add(key).size === size) return unplace(index, callSlot, returnSlot);
      const chars = typeof key === 'number' ? numberKeyChars : key.length;
      budget.entries++;
      budget.chars += chars;
      memoChars += chars;
    } else if (memo.has(key)) return unplace(index, callSlot, returnSlot);
    const frame: Frame<State> = {
      operation: index,
      stateBefore: state,
      stateAfter,
      nameBefore: nameNow,
      parent: top,
      depth: (top?.depth ?? 0) + 1,
      forced,
    };
    // A dead end is still a linearizable prefix: the longest one found may end there (the
    // explanation, and a proven-invalid search's stop, read it). It stays in the memo too:
    // no linearization goes on from it.
    if (best === undefined || frame.depth > best.depth) best = frame;
    if (model.couldReach !== undefined && !reachable(stateAfter, index, returnSlot, dueSlot))
      return unplace(index, callSlot, returnSlot);
    top = frame;
    state = stateAfter;
    nameNow = name;
    if (!operations[index]!.crashed) remaining--;
    return true;
  };
  /** Finds a read-only call in the window that fits the current state. */
  const placeableRead = (): number => {
    for (let at = next[slots]!; at !== -1 && (order[at]! & 1) === 0; at = next[at]!) {
      const index = order[at]! >> 1;
      if (readOnly[index] === 1 && model.step(state, operations[index]!).ok) return at;
    }
    return -1;
  };
  const resume = (): SearchOutcome<State> | undefined => {
    // Loop variables live in locals while running (faster than the closure's context).
    let slot = savedSlot;
    let fresh = savedFresh;
    let steps = savedSteps;
    let turnSteps = 0;
    while (remaining > 0) {
      if (turnSteps === options.stepsPerClockCheck) {
        progress.steps = steps;
        progress.memoEntries = memo.size;
        progress.best = best;
        savedSlot = slot;
        savedFresh = fresh;
        savedSteps = steps;
        return undefined;
      }
      steps++;
      turnSteps++;
      let backtrack = false;
      if (fresh) {
        // A read that fits now can always go first (it changes nothing and nothing remaining
        // precedes it), so it is placed without leaving a choice point behind.
        const readSlot = placeableRead();
        if (readSlot !== -1) {
          if (place(order[readSlot]! >> 1, readSlot, state, true)) {
            slot = next[slots]!;
            continue;
          }
          backtrack = true;
        }
        fresh = false;
      }
      // The reads in the window do not fit this state: when it was reached, `placeableRead`
      // placed any read that fits, or the placement failed and the search backtracked. Pass over them.
      while (slot !== -1 && (order[slot]! & 1) === 0 && readOnly[order[slot]! >> 1] === 1) slot = next[slot]!;
      const entry = slot === -1 ? -1 : order[slot]!;
      if (!backtrack && entry !== -1 && (entry & 1) === 0) {
        const index = entry >> 1;
        const result = model.step(state, operations[index]!);
        if (result.ok && place(index, slot, result.next, false)) {
          slot = next[slots]!;
          fresh = true;
          continue;
        }
        slot = next[slot]!;
        continue;
      }
      // A live return, the end of the list, or a dead forced read: undo the last choice.
      // Forced frames are no choice, so undoing one undoes its parent too.
      let undone: Frame<State> | undefined;
      do {
        if (top === undefined) {
          release();
          return { type: 'illegal', steps, memoEntries: memo.size, best };
        }
        undone = top;
        const index = undone.operation;
        relink(positionOf[2 * index + 1]!);
        relink(positionOf[2 * index]!);
        linearized[index] = 0;
        if (!operations[index]!.crashed) remaining++;
        state = undone.stateBefore;
        nameNow = undone.nameBefore;
        top = undone.parent;
      } while (undone.forced);
      slot = next[positionOf[2 * undone.operation]!]!;
    }
    release();
    return { type: 'ok', steps, memoEntries: memo.size, longest: best?.depth ?? 0 };
  };
  return { resume, stop: release };
}
