// Linearizability checking: Wing & Gong's search with Lowe's memo of (linearized set,
// model state), iterative over a doubly linked entry list, per partition
// (P-compositionality). A partition the model proves invalid up front (a stale read) is
// searched first and alone, only to explain it; the others are searched interleaved, a
// slice of steps each, so an invalid one stops the partitions after it early. The first
// invalid partition in plan order explains the verdict, whatever the scheduling (here or
// on worker threads, parallel-check.ts). Crashed operations return at +infinity, so they
// may be placed anywhere after their invoke or, by never being needed, not at all.
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
  /** See `suspectSearchStepsMax` (the default). */
  suspectSearchStepsMax?: number;
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
  /** Present when invalid: why, for the first partition in plan order found invalid. */
  explanation?: Explanation;
  /** Present when unknown: why the search stopped. */
  unknownReason?: string;
  /** Worker threads that took over partitions (parallel-check.ts); absent when all were searched in this thread. */
  workerThreads?: number;
}

export const memoEntriesMaxDefault = 1_000_000;
/**
 * Steps the search of a partition the model proved invalid (`Model.surelyStuck`) takes
 * before it may stop: it stops once its longest prefix holds every operation that
 * completed before the stuck one began (the search has reached the violation and would
 * mostly rule out alternatives from then on), checked every this many steps (or the
 * partition's size, when larger); else it runs to the end. Small, because the verdict is known already: on bench:checker's kv
 * case of 50 clients and 10k operations (964 in the stale partition) the search stops
 * after 2,048 steps with the same explanation the full search gives after 3,702.
 */
export const suspectSearchStepsMax = 1_024;
/**
 * Steps between two looks at whether a proven-invalid partition's search may stop: at least
 * the partition's size, since a look walks the partition once.
 */
function checkEverySteps(partition: PlannedPartition, options: LinearizabilityOptions): number {
  return Math.max(options.suspectSearchStepsMax ?? suspectSearchStepsMax, partition.searched.length);
}

function prefixOf<State>(operations: Operation[], frame: Frame<State> | undefined): Operation[] {
  const prefix: Operation[] = [];
  for (let at = frame; at !== undefined; at = at.parent) prefix.push(operations[at.operation]!);
  return prefix.reverse();
}

/** True when `best` holds every operation of `partition` that completed before its stuck one began. */
function reachesViolation<State>(partition: PlannedPartition, best: Frame<State> | undefined): boolean {
  const stuck = partition.stuck;
  if (stuck === undefined) return false;
  const placed = new Set<number>();
  for (let at = best; at !== undefined; at = at.parent) placed.add(at.operation);
  return partition.searched.every(
    (operation, index) => operation.returnIndex >= stuck.callIndex || placed.has(index),
  );
}

interface Running<State> {
  index: number;
  /** For a proven-invalid partition, when to next see whether the search may stop (else infinite). */
  cutShortCheckSteps: number;
  search: PartitionSearch<State>;
  progress: SearchProgress<State>;
}

/** One partition as the search takes it: `order` puts the surely invalid ones first. */
export interface PlannedPartition {
  name: string;
  /** The partition's operations, as the explanation shows them. */
  operations: Operation[];
  /** What the search walks: `operations` less the crashed writes nobody could observe. */
  searched: Operation[];
  /** The model proved it invalid before searching (`Model.surelyStuck`): searched first, alone. */
  suspect: boolean;
  /** When `suspect`: the operation no linearization can place. */
  stuck?: Operation;
}

/**
 * Splits `operations` into the partitions to search, in the order whose first invalid
 * partition explains the verdict: partitions the model proves invalid cheaply first, then
 * the rest in the model's order. The order depends only on the history, so the verdict and
 * explanation do not depend on how the partitions are scheduled (turns or workers).
 */
export function planPartitions<State>(model: Model<State>, operations: Operation[]): PlannedPartition[] {
  // Reads that crashed constrain nothing: any output is allowed and they change no state.
  const relevant = operations.filter((operation) => !(operation.crashed && model.isReadOnly?.(operation)));
  const groups = model.partition ? model.partition(relevant) : [{ name: '', operations: relevant }];
  const planned = groups.map((group) => {
    const searched = model.prune ? model.prune(group.operations) : group.operations;
    const stuck = model.surelyStuck?.(searched);
    return stuck === undefined
      ? { ...group, searched, suspect: false }
      : { ...group, searched, suspect: true, stuck };
  });
  return [...planned.filter((item) => item.suspect), ...planned.filter((item) => !item.suspect)];
}

/** What one partition's search ended with, as the result reports it. */
export type PartitionOutcome =
  | { type: 'ok'; steps: number; memoEntries: number; longest: number }
  | { type: 'illegal'; steps: number; memoEntries: number; longest: number; explanation: Explanation }
  | { type: 'timeout'; steps: number; memoEntries: number; longest: number };

/** Turns a finished search's outcome into its reportable form (explaining an illegal one). */
export function settle<State>(
  model: Model<State>,
  partition: PlannedPartition,
  outcome: SearchOutcome<State>,
): PartitionOutcome {
  const { steps, memoEntries } = outcome;
  if (outcome.type === 'ok') return outcome;
  const longest = outcome.best?.depth ?? 0;
  if (outcome.type === 'timeout') return { type: 'timeout', steps, memoEntries, longest };
  const explanation = explain(model, {
    partition: partition.name,
    operations: partition.operations,
    prefix: prefixOf(partition.searched, outcome.best),
    stateAfterPrefix: outcome.best?.stateAfter ?? model.init(),
    searchCutShort: outcome.cutShort === true,
  });
  return { type: 'illegal', steps, memoEntries, longest, explanation };
}

/**
 * The result from the partitions' outcomes (undefined: not searched, or stopped because
 * an earlier partition was found invalid). Any invalid partition makes the history
 * invalid, explained by the first in plan order; else the first timed-out one makes it
 * unknown. `partitions` lists the searched ones up to the deciding one.
 */
export function resultOf(
  plan: PlannedPartition[],
  outcomes: Array<PartitionOutcome | undefined>,
  timeoutMs: number | undefined,
): LinearizabilityResult {
  const partitions: PartitionResult[] = [];
  const firstIllegal = outcomes.findIndex((outcome) => outcome?.type === 'illegal');
  for (const [index, partition] of plan.entries()) {
    const outcome = outcomes[index];
    if (outcome === undefined) continue;
    const valid: Verdict = outcome.type === 'ok' ? true : outcome.type === 'illegal' ? false : 'unknown';
    partitions.push({
      name: partition.name,
      valid,
      operationCount: partition.operations.length,
      steps: outcome.steps,
      memoEntries: outcome.memoEntries,
      longestPrefix: outcome.longest,
    });
    if (outcome.type === 'illegal') return { valid: false, partitions, explanation: outcome.explanation };
    if (outcome.type === 'timeout' && firstIllegal === -1) {
      const unknownReason = `timed out after ${timeoutMs} ms in partition "${partition.name}" with ${outcome.longest} of ${partition.operations.length} operations linearized`;
      return { valid: 'unknown', partitions, unknownReason };
    }
  }
  return { valid: true, partitions };
}

/**
 * Checks `operations` (from `pairOperations`) against `model`. Partitions (in
 * `planPartitions` order) take turns of `stepsPerClockCheck` steps; a surely invalid one
 * runs alone. The first partition in plan order found invalid decides and explains the
 * verdict: once one is found invalid, later ones stop and earlier ones still running
 * finish. On timeout the first unfinished partition (in order) is named.
 */
export function checkLinearizable<State>(
  model: Model<State>,
  operations: Operation[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  return checkPlanned(model, planPartitions(model, operations), options);
}

/** `checkLinearizable` on partitions already planned (`planPartitions`), in this thread. */
export function checkPlanned<State>(
  model: Model<State>,
  plan: PlannedPartition[],
  options: LinearizabilityOptions = {},
): LinearizabilityResult {
  return resultOf(plan, searchInTurns(model, plan, options).outcomes, options.timeoutMs);
}

/** What `searchInTurns` leaves: outcomes by plan index, and the partitions it handed off. */
export interface TurnsOutcome {
  outcomes: Array<PartitionOutcome | undefined>;
  /** Plan indexes not finished when `handOffAtMs` came (their searches stopped), in order. */
  handedOff: number[];
}

/**
 * Searches the plan's partitions in turns in this thread. With `handOffAtMs` (on
 * `options.clock`), stops once that time has come with no partition found invalid, and
 * lists the unfinished partitions so worker threads can take them over.
 */
export function searchInTurns<State>(
  model: Model<State>,
  plan: PlannedPartition[],
  options: LinearizabilityOptions,
  handOffAtMs = Number.POSITIVE_INFINITY,
): TurnsOutcome {
  if (options.timeoutMs !== undefined && options.clock === undefined) {
    throw new Error('checkLinearizable: timeoutMs needs a clock');
  }
  const clock = options.clock;
  const deadlineMs =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.clock!.nowMs() + options.timeoutMs;
  const stepsPerClockCheck = options.stepsPerClockCheck ?? 256;
  const budget: MemoBudget = {
    entries: 0,
    chars: 0,
    entriesMax: options.memoEntriesMax ?? memoEntriesMaxDefault,
    stateIds: 0,
  };
  const outcomes: Array<PartitionOutcome | undefined> = plan.map(() => undefined);
  /** The first partition (in plan order) found invalid so far. */
  let firstInvalid = Number.POSITIVE_INFINITY;
  let nextToStart = 0;
  const running: Running<State>[] = [];
  let timedOut = false;
  let handingOff = false;
  while (!timedOut && !handingOff) {
    while (
      running.length < activeSearchesMax &&
      nextToStart < plan.length &&
      firstInvalid === Number.POSITIVE_INFINITY &&
      !(plan[nextToStart]!.suspect && running.length > 0) &&
      !running.some((item) => plan[item.index]!.suspect)
    ) {
      const progress: SearchProgress<State> = { steps: 0, memoEntries: 0, best: undefined };
      const search = createSearch(model, plan[nextToStart]!.searched, {
        stepsPerClockCheck,
        budget,
        progress,
      });
      running.push({
        index: nextToStart,
        cutShortCheckSteps: plan[nextToStart]!.suspect
          ? checkEverySteps(plan[nextToStart]!, options)
          : Number.POSITIVE_INFINITY,
        search,
        progress,
      });
      nextToStart++;
    }
    if (running.length === 0) break;
    // One slice for each running search, in plan order.
    for (let at = 0; at < running.length; ) {
      const item = running[at]!;
      let outcome = item.search.resume();
      if (outcome === undefined && item.progress.steps >= item.cutShortCheckSteps) {
        // Proven invalid already; the search only looks for the longest prefix to explain it.
        // Checked every `checkEverySteps` steps, so the checks cost little next to the search.
        item.cutShortCheckSteps += checkEverySteps(plan[item.index]!, options);
        if (reachesViolation(plan[item.index]!, item.progress.best)) {
          item.search.stop();
          outcome = { type: 'illegal', ...item.progress, cutShort: true };
        }
      }
      if (outcome === undefined) {
        const nowMs = clock?.nowMs() ?? 0;
        if (nowMs >= deadlineMs) {
          timedOut = true;
          break;
        }
        // One unfinished partition left gains nothing from a worker: it goes on here.
        if (
          nowMs >= handOffAtMs &&
          firstInvalid === Number.POSITIVE_INFINITY &&
          running.length + plan.length - nextToStart >= 2
        ) {
          handingOff = true;
          break;
        }
        at++;
        continue;
      }
      running.splice(at, 1);
      outcomes[item.index] = settle(model, plan[item.index]!, outcome);
      if (outcome.type === 'illegal') {
        // Later partitions cannot change the verdict or its explanation: stop them.
        firstInvalid = Math.min(firstInvalid, item.index);
        for (const other of running.filter((candidate) => candidate.index > firstInvalid))
          other.search.stop();
        const earlier = running.filter((candidate) => candidate.index < firstInvalid);
        running.length = 0;
        running.push(...earlier);
        at = 0;
        break;
      }
    }
  }
  if (timedOut) {
    // The running searches stop where they are; the first of them (in plan order) names
    // where the time ran out. Stopped searches give back their memo space.
    for (const item of running) {
      outcomes[item.index] = settle(model, plan[item.index]!, { type: 'timeout', ...item.progress });
      item.search.stop();
    }
  }
  const handedOff: number[] = [];
  if (handingOff) {
    for (const item of running) {
      item.search.stop();
      handedOff.push(item.index);
    }
    for (let index = nextToStart; index < plan.length; index++) handedOff.push(index);
  }
  return { outcomes, handedOff };
}
