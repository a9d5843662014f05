// A cheap proof that a register-like partition is not linearizable, found before any
// search: with every written value distinct, a read that returned v is stale when some
// other write began after v's write completed and completed before the read began. The
// search takes such partitions first, so an invalid history is found and explained
// without searching the partitions that are fine (the search still decides the verdict).
import type { Operation } from './history.js';
import { show } from './model.js';

export interface StaleReadOptions {
  /** Functions that read the value (no input, output = the value). */
  reads: ReadonlySet<string>;
  /** Functions that overwrite the value with their input. */
  writes: ReadonlySet<string>;
  /**
   * Functions that append their input to the value. With any of them only reads of the
   * initial value are judged (stale once anything completed changed it), and only when
   * the initial value is null, which no append can lead back to.
   */
  appends?: ReadonlySet<string>;
  /** The value before any write. */
  initial: unknown;
}

/**
 * A completed read no linearization of `operations` (one partition) can place, or
 * undefined when unsure. Found when a completed read returned a value no write invoked before the read's return could have written, or
 * a value overwritten (by a completed write) before the read began. Unsure with
 * other functions than `reads`/`writes`/`appends`, or a value written twice (or the
 * initial value written again).
 */
export function findSurelyStaleRead(
  operations: Operation[],
  options: StaleReadOptions,
): Operation | undefined {
  const writerOf = new ValueMap<Operation>();
  writerOf.set(options.initial, initialWriter);
  /** Completed writes and appends: after any of them the initial value is gone. */
  const completedWrites: Operation[] = [];
  let appending = false;
  for (const operation of operations) {
    if (options.writes.has(operation.f)) {
      if (writerOf.get(operation.input) !== undefined) return undefined;
      writerOf.set(operation.input, operation);
      if (!operation.crashed) completedWrites.push(operation);
    } else if (options.appends?.has(operation.f)) {
      // An empty or absent suffix might change nothing.
      const suffix = operation.input;
      if (options.initial !== null || suffix === null || suffix === undefined || String(suffix) === '')
        return undefined;
      appending = true;
      if (!operation.crashed) completedWrites.push(operation);
    } else if (!options.reads.has(operation.f)) return undefined;
  }
  // earliestReturnAfter[i]: the earliest return among completed writes invoked at or after
  // the i-th call (in call order), so "a write wholly between two points" is one lookup.
  completedWrites.sort((a, b) => a.callIndex - b.callIndex);
  const earliestReturnAfter = new Float64Array(completedWrites.length + 1);
  earliestReturnAfter[completedWrites.length] = Number.POSITIVE_INFINITY;
  for (let at = completedWrites.length - 1; at >= 0; at--) {
    earliestReturnAfter[at] = Math.min(completedWrites[at]!.returnIndex, earliestReturnAfter[at + 1]!);
  }
  const firstCallAfter = (position: number): number => {
    let low = 0;
    let high = completedWrites.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (completedWrites[middle]!.callIndex > position) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  for (const read of operations) {
    if (!options.reads.has(read.f) || read.crashed || read.output === undefined) continue;
    // Appended values are not tracked; only the initial value's (null's) disappearance is.
    // (Tested before naming the value: appended values grow long.)
    if (appending && read.output !== null) continue;
    const writer = writerOf.get(read.output);
    // Nobody wrote it, or its only write began after the read had returned.
    if (writer === undefined || (writer !== initialWriter && writer.callIndex > read.returnIndex))
      return read;
    const writtenBy = writer === initialWriter ? Number.NEGATIVE_INFINITY : writer.returnIndex;
    if (writtenBy === Number.POSITIVE_INFINITY) continue;
    const after = writtenBy === Number.NEGATIVE_INFINITY ? 0 : firstCallAfter(writtenBy);
    if (earliestReturnAfter[after]! < read.callIndex) return read;
  }
  return undefined;
}

/**
 * A map from JSON values compared as `sameValue` does: primitives by themselves (no string
 * to build, which for long appended values costs a copy each), objects and arrays by their
 * JSON text, in a map of their own so they never meet a string.
 */
class ValueMap<Item> {
  private readonly primitives = new Map<unknown, Item>();
  private readonly objects = new Map<string, Item>();

  get(value: unknown): Item | undefined {
    return typeof value === 'object' && value !== null
      ? this.objects.get(show(value))
      : this.primitives.get(value);
  }

  set(value: unknown, item: Item): void {
    if (typeof value === 'object' && value !== null) this.objects.set(show(value), item);
    else this.primitives.set(value, item);
  }
}

/** Stands for the initial value's "write", before every operation. */
const initialWriter: Operation = {
  id: -1,
  process: -1,
  f: 'initial',
  key: undefined,
  input: undefined,
  output: undefined,
  crashed: false,
  callIndex: Number.NEGATIVE_INFINITY,
  returnIndex: Number.NEGATIVE_INFINITY,
  callTime: Number.NEGATIVE_INFINITY,
  returnTime: Number.NEGATIVE_INFINITY,
};
