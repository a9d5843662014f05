// Linearizability checking: Wing & Gong's search with Lowe's memo of (linearized set,
// model state), iterative over a doubly linked entry list, per partition
// (P-compositionality). Partitions are searched interleaved, a slice of steps each, so an
// invalid partition late in the list stops the check early, as Porcupine's parallel
// partitions do. Crashed operations return at +infinity, so they may be placed anywhere
// after their invoke or, by never being needed, not at all.
import type { CheckerClock } from './clock.js';
import { type Explanation, explain } from './explanation.js';
import type { Operation, Verdict } from './history.js';
import type { Model } from './model.js';
import {
  activeSearchesMax,
  createSearch,
  type Frame,
  type MemoBudget,
  type PartitionSearch,
  type SearchOutcome,
  type SearchProgress,
} from './partition-search.js';

export { activeSearchesMax, memoCharsMax, stateIdsMax } from './partition-search.js';

export interface LinearizabilityOptions {
  /** Required with `timeoutMs`; the search reads it every `stepsPerClockCheck` steps. */
  clock?: CheckerClock;
  /** Give up with verdict "unknown" after this long. Default: no limit. */
  timeoutMs?: number;
  /**
   * Memo entries kept, summed over the partitions being searched at once; beyond it the
   * searches go on without memoizing. Default 1,000,000.
   */
  memoEntriesMax?: number;
  /** Steps a partition's search takes before the clock is read and the next partition gets a turn. Default 256. */
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
  /** Present when invalid: why, for the partition found invalid (partitions take turns; the first to fail). */
  explanation?: Explanation;
  /** Present when unknown: why the search stopped. */
  unknownReason?: string;
}

export const memoEntriesMaxDefault = 1_000_000;
function prefixOf<State>(operations: Operation[], frame: Frame<State> | undefined): Operation[] {
  const prefix: Operation[] = [];
  for (let at = frame; at !== undefined; at = at.parent) prefix.push(operations[at.operation]!);
  return prefix.reverse();
}

interface Running<State> {
  index: number;
  operations: Operation[];
  search: PartitionSearch<State>;
  progress: SearchProgress<State>;
}

/**
 * Checks `operations` (from `pairOperations`) against `model`. Partitions take turns of
 * `stepsPerClockCheck` steps (in partition order, so the result is deterministic); the
 * first one found invalid decides and explains the verdict, and `partitions` lists the
 * ones that finished. On timeout the first unfinished partition (in order) is named.
 */
export function checkLinearizable<State>(
  model: Model<State>,
  operations: Operation[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  if (options.timeoutMs !== undefined && options.clock === undefined) {
    throw new Error('checkLinearizable: timeoutMs needs a clock');
  }
  const clock = options.timeoutMs === undefined ? undefined : options.clock;
  const deadlineMs =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.clock!.nowMs() + options.timeoutMs;
  const stepsPerClockCheck = options.stepsPerClockCheck ?? 256;
  const budget: MemoBudget = {
    entries: 0,
    chars: 0,
    entriesMax: options.memoEntriesMax ?? memoEntriesMaxDefault,
    stateIds: 0,
  };
  // Reads that crashed constrain nothing: any output is allowed and they change no state.
  const relevant = operations.filter((operation) => !(operation.crashed && model.isReadOnly?.(operation)));
  const groups = model.partition ? model.partition(relevant) : [{ name: '', operations: relevant }];
  const outcomes: Array<{ outcome: SearchOutcome<State>; searched: Operation[] } | undefined> = groups.map(
    () => undefined,
  );
  let invalidFound = false;
  let nextToStart = 0;
  const running: Running<State>[] = [];
  let timedOut = false;
  while (!timedOut && !invalidFound) {
    while (running.length < activeSearchesMax && nextToStart < groups.length && !invalidFound) {
      const group = groups[nextToStart]!;
      const searched = model.prune ? model.prune(group.operations) : group.operations;
      const progress: SearchProgress<State> = { steps: 0, memoEntries: 0, best: undefined };
      running.push({
        index: nextToStart,
        operations: searched,
        search: createSearch(model, searched, { stepsPerClockCheck, budget, progress }),
        progress,
      });
      nextToStart++;
    }
    if (running.length === 0) break;
    // One slice for each running search, in partition order.
    for (let at = 0; at < running.length; ) {
      const item = running[at]!;
      const outcome = item.search.resume();
      if (outcome === undefined) {
        if (clock !== undefined && clock.nowMs() >= deadlineMs) {
          timedOut = true;
          break;
        }
        at++;
        continue;
      }
      running.splice(at, 1);
      outcomes[item.index] = { outcome, searched: item.operations };
      if (outcome.type === 'illegal') {
        // One invalid partition makes the history invalid: stop the others, as Porcupine does.
        for (const other of running) abandon(other);
        running.length = 0;
        invalidFound = true;
        break;
      }
    }
  }
  if (timedOut) {
    // The running searches stop where they are; the first of them (in partition order)
    // names where the time ran out. Stopped searches give back their memo space.
    for (const item of running) {
      outcomes[item.index] = { outcome: { type: 'timeout', ...item.progress }, searched: item.operations };
      abandon(item);
    }
  }
  const partitions: PartitionResult[] = [];
  for (const [index, group] of groups.entries()) {
    const done = outcomes[index];
    // Not searched, or stopped once another partition was found invalid.
    if (done === undefined) continue;
    const { outcome, searched } = done;
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
      const prefix = prefixOf(searched, outcome.best);
      const explanation = explain(model, {
        partition: group.name,
        operations: group.operations,
        prefix,
        stateAfterPrefix: outcome.best?.stateAfter ?? model.init(),
      });
      return { valid: false, partitions, explanation };
    }
    if (outcome.type === 'timeout') {
      const unknownReason = `timed out after ${options.timeoutMs} ms in partition "${group.name}" with ${longestPrefix} of ${group.operations.length} operations linearized`;
      return { valid: 'unknown', partitions, unknownReason };
    }
  }
  return { valid: true, partitions };
}

function abandon<State>(item: Running<State>): void {
  item.search.stop();
}
