// Linearizability checking: Wing & Gong's search with Lowe's memo of (linearized set,
// model state), iterative over a doubly linked entry list, one partition at a time
// (P-compositionality). Crashed operations return at +infinity, so they may be placed
// anywhere after their invoke or, by never being needed, not at all.
import type { CheckerClock } from './clock.js';
import { type Explanation, explain } from './explanation.js';
import type { Operation, Verdict } from './history.js';
import type { Model } from './model.js';

export interface LinearizabilityOptions {
  /** Required with `timeoutMs`; the search reads it every `stepsPerClockCheck` steps. */
  clock?: CheckerClock;
  /** Give up with verdict "unknown" after this long. Default: no limit. */
  timeoutMs?: number;
  /** Memo entries kept per partition; beyond it the search goes on without memoizing. Default 1,000,000. */
  memoEntriesMax?: number;
  /** Default 256. */
  stepsPerClockCheck?: number;
}

export interface PartitionResult {
  name: string;
  valid: Verdict;
  operationCount: number;
  steps: number;
  memoEntries: number;
  /** Operations in the longest linearizable prefix found. */
  longestPrefix: number;
}

export interface LinearizabilityResult {
  valid: Verdict;
  partitions: PartitionResult[];
  /** Present when invalid: why, for the first failing partition. */
  explanation?: Explanation;
  /** Present when unknown: why the search stopped. */
  unknownReason?: string;
}

export const memoEntriesMaxDefault = 1_000_000;
/** Total characters of memo keys per partition (about 2 bytes each): keeps the memo near 100 MiB. */
export const memoCharsMax = 48_000_000;

interface Frame<State> {
  operation: number;
  stateBefore: State;
  stateAfter: State;
  parent: Frame<State> | undefined;
  depth: number;
  /** Placed because it could not hurt (a fitting read): backtracking skips past it. */
  forced: boolean;
}

type SearchOutcome<State> =
  | { type: 'ok'; steps: number; memoEntries: number; longest: number }
  | { type: 'illegal'; steps: number; memoEntries: number; best: Frame<State> | undefined }
  | { type: 'timeout'; steps: number; memoEntries: number; best: Frame<State> | undefined };

/** Entry ids: 2*i is operation i's call, 2*i+1 its return; `order` lists them by history position. */
function buildOrder(operations: Operation[]): Int32Array {
  const entries: Array<{ entry: number; position: number }> = [];
  operations.forEach((operation, i) => {
    entries.push({ entry: 2 * i, position: operation.callIndex });
    entries.push({ entry: 2 * i + 1, position: operation.returnIndex });
  });
  // Crashed returns (position Infinity) keep operation order; equal finite positions cannot occur.
  entries.sort((a, b) => a.position - b.position || a.entry - b.entry);
  return Int32Array.from(entries, (item) => item.entry);
}

function search<State>(
  model: Model<State>,
  operations: Operation[],
  limits: {
    deadlineMs: number;
    clock: CheckerClock | undefined;
    memoEntriesMax: number;
    stepsPerClockCheck: number;
  },
): SearchOutcome<State> {
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
  const memo = new Set<string>();
  let memoChars = 0;
  let remaining = 0;
  for (const operation of operations) if (!operation.crashed) remaining++;

  const unlink = (slot: number): void => {
    next[prev[slot]!] = next[slot]!;
    if (next[slot]! !== -1) prev[next[slot]!] = prev[slot]!;
  };
  const relink = (slot: number): void => {
    next[prev[slot]!] = slot;
    if (next[slot]! !== -1) prev[next[slot]!] = slot;
  };
  const memoKey = (stateHash: string | number): string => {
    // Linearized set = every call before the first live slot, plus the linearized calls
    // between it and the first live return (all linearized calls precede that return).
    const first = next[slots]!;
    let key = `${stateHash}|${first}`;
    if (first === -1) return key;
    let firstReturn = first;
    while (firstReturn !== -1 && (order[firstReturn]! & 1) === 0) firstReturn = next[firstReturn]!;
    const end = firstReturn === -1 ? slots : firstReturn;
    for (let slot = first + 1; slot < end; slot++) {
      const entry = order[slot]!;
      if ((entry & 1) === 0 && linearized[entry >> 1] === 1) key += `,${slot}`;
    }
    return key;
  };

  let state = model.init();
  let top: Frame<State> | undefined;
  let best: Frame<State> | undefined;
  let slot = next[slots]!;
  let fresh = true;
  let steps = 0;
  /** Places operation `index` (its call at `callSlot`); false when the memo has seen the result. */
  const place = (index: number, callSlot: number, next: State, forced: boolean): boolean => {
    linearized[index] = 1;
    const returnSlot = positionOf[2 * index + 1]!;
    unlink(callSlot);
    unlink(returnSlot);
    const key = memoKey(model.hash(next));
    if (memo.has(key)) {
      linearized[index] = 0;
      relink(returnSlot);
      relink(callSlot);
      return false;
    }
    if (memo.size < limits.memoEntriesMax && memoChars < memoCharsMax) {
      memo.add(key);
      memoChars += key.length;
    }
    top = {
      operation: index,
      stateBefore: state,
      stateAfter: next,
      parent: top,
      depth: (top?.depth ?? 0) + 1,
      forced,
    };
    if (best === undefined || top.depth > best.depth) best = top;
    state = next;
    if (!operations[index]!.crashed) remaining--;
    return true;
  };
  /** Finds a read-only call in the window that fits the current state. */
  const placeableRead = (): number => {
    for (let at = next[slots]!; at !== -1 && (order[at]! & 1) === 0; at = next[at]!) {
      const operation = operations[order[at]! >> 1]!;
      if (model.isReadOnly?.(operation) && model.step(state, operation).ok) return at;
    }
    return -1;
  };
  while (remaining > 0) {
    steps++;
    if (limits.clock !== undefined && steps % limits.stepsPerClockCheck === 0) {
      if (limits.clock.nowMs() >= limits.deadlineMs)
        return { type: 'timeout', steps, memoEntries: memo.size, best };
    }
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
      if (top === undefined) return { type: 'illegal', steps, memoEntries: memo.size, best };
      undone = top;
      const index = undone.operation;
      relink(positionOf[2 * index + 1]!);
      relink(positionOf[2 * index]!);
      linearized[index] = 0;
      if (!operations[index]!.crashed) remaining++;
      state = undone.stateBefore;
      top = undone.parent;
    } while (undone.forced);
    slot = next[positionOf[2 * undone.operation]!]!;
  }
  return { type: 'ok', steps, memoEntries: memo.size, longest: best?.depth ?? 0 };
}

function prefixOf<State>(operations: Operation[], frame: Frame<State> | undefined): Operation[] {
  const prefix: Operation[] = [];
  for (let at = frame; at !== undefined; at = at.parent) prefix.push(operations[at.operation]!);
  return prefix.reverse();
}

/** Checks `operations` (from `pairOperations`) against `model`. */
export function checkLinearizable<State>(
  model: Model<State>,
  operations: Operation[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  if (options.timeoutMs !== undefined && options.clock === undefined) {
    throw new Error('checkLinearizable: timeoutMs needs a clock');
  }
  const limits = {
    clock: options.timeoutMs === undefined ? undefined : options.clock,
    deadlineMs:
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.clock!.nowMs() + options.timeoutMs,
    memoEntriesMax: options.memoEntriesMax ?? memoEntriesMaxDefault,
    stepsPerClockCheck: options.stepsPerClockCheck ?? 256,
  };
  // Reads that crashed constrain nothing: any output is allowed and they change no state.
  const relevant = operations.filter((operation) => !(operation.crashed && model.isReadOnly?.(operation)));
  const groups = model.partition ? model.partition(relevant) : [{ name: '', operations: relevant }];
  const partitions: PartitionResult[] = [];
  let unknownReason: string | undefined;
  for (const group of groups) {
    const operationsToSearch = model.prune ? model.prune(group.operations) : group.operations;
    const outcome = search(model, operationsToSearch, limits);
    const longestPrefix = outcome.type === 'ok' ? outcome.longest : (outcome.best?.depth ?? 0);
    const valid: Verdict = outcome.type === 'ok' ? true : outcome.type === 'illegal' ? false : 'unknown';
    partitions.push({
      name: group.name,
      valid,
      operationCount: group.operations.length,
      steps: outcome.steps,
      memoEntries: outcome.memoEntries,
      longestPrefix,
    });
    if (outcome.type === 'illegal') {
      const prefix = prefixOf(operationsToSearch, outcome.best);
      const explanation = explain(model, {
        partition: group.name,
        operations: group.operations,
        prefix,
        stateAfterPrefix: outcome.best?.stateAfter ?? model.init(),
      });
      return { valid: false, partitions, explanation };
    }
    if (outcome.type === 'timeout') {
      unknownReason = `timed out after ${options.timeoutMs} ms in partition "${group.name}" with ${longestPrefix} of ${group.operations.length} operations linearized`;
      return { valid: 'unknown', partitions, unknownReason };
    }
  }
  return { valid: true, partitions };
}
