// Multi-key key-value store with get/put/append/cas, checked one key at a time
// (P-compositionality: keys are independent objects). Append concatenates strings,
// as Porcupine's kv model does; appending to an absent key stores the appended value.
import type { Operation } from '../history.js';
import { type Model, type ModelOptions, partitionByKey, type StepResult, sameValue, show } from '../model.js';
import { findSurelyStaleRead } from '../stale-read.js';

const kvReads: ReadonlySet<string> = new Set(['get', 'read']);
const kvWrites: ReadonlySet<string> = new Set(['put', 'write']);
const kvAppends: ReadonlySet<string> = new Set(['append']);

function append(state: unknown, suffix: unknown): unknown {
  if (state === null || state === undefined) return suffix;
  return String(state) + String(suffix);
}

/**
 * Leaves out crashed puts and appends whose text appears in nothing anyone read (nor in a
 * cas's expected value). Until the next put every state contains that text, so no read
 * happened there, and after the next put the state is the same either way.
 */
function pruneUnseenKvWrites(operations: Operation[]): Operation[] {
  if (!operations.some((operation) => operation.crashed)) return operations;
  const observed: string[] = [];
  for (const operation of operations) {
    if (
      (operation.f === 'get' || operation.f === 'read') &&
      !operation.crashed &&
      operation.output !== null
    ) {
      observed.push(String(operation.output));
    }
    if (operation.f === 'cas') observed.push(String((operation.input as [unknown, unknown])[0]));
  }
  const unseen = (value: unknown): boolean => {
    if (value === null || value === undefined) return false;
    const text = String(value);
    return text !== '' && !observed.some((seen) => seen.includes(text));
  };
  return operations.filter(
    (operation) =>
      !(
        operation.crashed &&
        (operation.f === 'put' || operation.f === 'write' || operation.f === 'append') &&
        unseen(operation.input)
      ),
  );
}

/** Characters at most of a state compared with the text read: its last ones, where states of one key differ. */
const comparedCharsMax = 32;

/**
 * False when no appends from `window` lead from `base` to `wanted`: `base` does not begin
 * it, or none of the appends comes next in it. True when unsure. Only the last
 * `comparedCharsMax` characters of `base` are compared, so a long state is not compared
 * whole at every step: a match there may still be no prefix, which only errs toward true.
 */
function mayLeadTo(wanted: string, base: string, window: readonly Operation[]): boolean {
  if (base.length > wanted.length) return false;
  for (let at = base.length - 1; at >= 0 && at >= base.length - comparedCharsMax; at--)
    if (base.charCodeAt(at) !== wanted.charCodeAt(at)) return false;
  if (wanted.length === base.length) return true;
  for (const operation of window) {
    if (!kvAppends.has(operation.f)) continue;
    const suffix = operation.input;
    if (typeof suffix !== 'string' || suffix === '' || wanted.startsWith(suffix, base.length)) return true;
  }
  return false;
}

export function kvModel(options: ModelOptions): Model<unknown> {
  const initial = options.initialValue ?? null;
  // Strings (nearly every state) hash to themselves, copy-free; other values get a number
  // from this table, so the two kinds never meet. It holds only values some put or cas
  // wrote (appends yield strings), so the history bounds it.
  const otherValueIds = new Map<string, number>();
  const hash = (state: unknown): string | number => {
    if (typeof state === 'string') return state;
    const text = show(state);
    let id = otherValueIds.get(text);
    if (id === undefined) otherValueIds.set(text, (id = otherValueIds.size));
    return id;
  };
  return {
    name: 'kv',
    init: () => initial,
    step(state: unknown, operation: Operation): StepResult<unknown> {
      switch (operation.f) {
        case 'get':
        case 'read':
          if (operation.output === undefined || sameValue(operation.output, state))
            return { ok: true, next: state };
          return { ok: false };
        case 'put':
        case 'write':
          return { ok: true, next: operation.input };
        case 'append':
          return { ok: true, next: append(state, operation.input) };
        case 'cas': {
          const pair = operation.input as [unknown, unknown];
          return sameValue(pair[0], state) ? { ok: true, next: pair[1] } : { ok: false };
        }
        default:
          return { ok: false };
      }
    },
    isReadOnly: (operation: Operation) => operation.f === 'get' || operation.f === 'read',
    prune: pruneUnseenKvWrites,
    surelyStuck: (operations: Operation[]) =>
      findSurelyStaleRead(operations, { reads: kvReads, writes: kvWrites, appends: kvAppends, initial }),
    // The read `target` fits only the text it returned. Until it is placed only `window`'s
    // operations run; with no cas among them, the state it sees is the current state or
    // a put's value, then some appends: that text must begin what was read, and unless it
    // is all of it, one of the appends must come next in it.
    couldReach: (state: unknown, target: Operation, window: readonly Operation[]): boolean => {
      if (target.crashed || !kvReads.has(target.f)) return true;
      const wanted = target.output;
      if (typeof wanted !== 'string' || typeof state !== 'string') return true;
      if (mayLeadTo(wanted, state, window)) return true;
      for (const operation of window) {
        if (operation.f === 'cas') return true;
        if (kvWrites.has(operation.f)) {
          const value = operation.input;
          if (typeof value !== 'string' || mayLeadTo(wanted, value, window)) return true;
        }
      }
      return false;
    },
    hash,
    partition: partitionByKey,
    describeOperation(operation: Operation): string {
      const key = operation.key ?? '""';
      switch (operation.f) {
        case 'get':
        case 'read':
          return operation.crashed
            ? `the crashed get of ${key}`
            : `the get of ${key} that returned ${show(operation.output)}`;
        case 'cas': {
          const pair = operation.input as [unknown, unknown];
          return `the cas of ${key} from ${show(pair[0])} to ${show(pair[1])}`;
        }
        default:
          return `the ${operation.f} of ${show(operation.input)} to ${key}`;
      }
    },
    describeState: (state: unknown) => `value ${show(state)}`,
  };
}
