// One call from a history to a linearizability result, for the CLI and the runner: in this
// thread, or with partitions spread over worker threads.
import type { CheckerClock } from './clock.js';
import { type History, pairOperations } from './history.js';
import { checkLinearizable, type LinearizabilityResult } from './linearizability.js';
import type { ModelOptions } from './model.js';
import { models } from './models/index.js';
import { checkInWorkers } from './parallel-check.js';

export interface CheckHistoryOptions {
  /** A name in the model registry (`models`). */
  model: string;
  modelOptions?: ModelOptions;
  clock?: CheckerClock;
  timeoutMs?: number;
  memoEntriesMax?: number;
}

export interface CheckHistoryInWorkersOptions extends CheckHistoryOptions {
  /** Worker threads at most; 1 checks in this thread. */
  workers: number;
  /** Time in this thread before unfinished partitions move to workers (default: parallel-check.ts). */
  inThreadMsMax?: number;
  /** The worker script; default: the built partition-worker.js. */
  workerUrl?: URL;
  /** Steps between clock reads (and hand-off checks); default 256. */
  stepsPerClockCheck?: number;
}

function modelFactory(name: string) {
  const factory = models.get(name);
  if (factory === undefined) {
    throw new Error(
      `checkHistory: unknown model ${JSON.stringify(name)}; known: ${[...models.keys()].join(', ')}`,
    );
  }
  return factory;
}

export function checkHistory(history: History, options: CheckHistoryOptions): LinearizabilityResult {
  const model = modelFactory(options.model)(options.modelOptions ?? {});
  return checkLinearizable(model, pairOperations(history), {
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    memoEntriesMax: options.memoEntriesMax,
  });
}

/**
 * `checkHistory` with partitions searched on up to `workers` threads when the search is
 * long enough to pay for them; the same verdict and explanation as `checkHistory`.
 */
export function checkHistoryInWorkers(
  history: History,
  options: CheckHistoryInWorkersOptions,
): Promise<LinearizabilityResult> {
  modelFactory(options.model);
  return checkInWorkers(pairOperations(history), options);
}
