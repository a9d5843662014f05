// The messages between the main thread and the partition workers (parallel-check.ts and
// partition-worker.ts): one partition to search, and its outcome.
import type { PartitionOutcome, PlannedPartition } from './linearizability.js';
import type { ModelOptions } from './model.js';

/** Set once per worker at start: `stopFlags[slot]` becomes 1 when its partition is no longer needed. */
export interface PartitionWorkerData {
  stopFlags: SharedArrayBuffer;
  slot: number;
}

export interface PartitionTask {
  /** Position in the plan. */
  index: number;
  /** A name in the model registry, rebuilt in the worker with `modelOptions`. */
  model: string;
  modelOptions: ModelOptions;
  partition: PlannedPartition;
  /**
   * When the search must stop, on `realCheckerClock` (epoch ms, the same in every thread,
   * so a worker still starting up does not push it back); undefined: no limit.
   */
  deadlineEpochMs: number | undefined;
  memoEntriesMax: number;
  memoCharsMax: number;
  stepsPerClockCheck: number;
}

export interface PartitionDone {
  index: number;
  /** Undefined when the search was stopped (an earlier partition was found invalid). */
  outcome: PartitionOutcome | undefined;
}

/** A worker's failure, sent back instead of crashing the thread silently. */
export interface PartitionFailed {
  index: number;
  error: string;
}
