// Worker thread entry: searches one partition at a time for parallel-check.ts, reading the
// clock for the timeout and a shared flag (so the main thread can stop a search it no
// longer needs) between turns of `stepsPerClockCheck` steps.
import { parentPort, workerData } from 'node:worker_threads';
import { type PartitionOutcome, settle } from './linearizability.js';
import type { Model } from './model.js';
import { models } from './models/index.js';
import { createSearch, type SearchOutcome, type SearchProgress } from './partition-search.js';
import type { PartitionDone, PartitionFailed, PartitionTask, PartitionWorkerData } from './partition-task.js';
import { realCheckerClock } from './real-clock.js';

const { stopFlags, slot } = workerData as PartitionWorkerData;
const stop = new Int32Array(stopFlags);
/** One model per (name, options) seen, rebuilt from the registry: models are closures, not data. */
const modelCache = new Map<string, Model<unknown>>();
/** Distinct (model, options) pairs kept; a check uses one. */
const modelCacheMax = 8;

function modelFor(task: PartitionTask): Model<unknown> {
  const key = `${task.model}\u0000${JSON.stringify(task.modelOptions)}`;
  let model = modelCache.get(key);
  if (model === undefined) {
    const factory = models.get(task.model);
    if (factory === undefined) throw new Error(`unknown model ${JSON.stringify(task.model)}`);
    model = factory(task.modelOptions);
    if (modelCache.size >= modelCacheMax) modelCache.clear();
    modelCache.set(key, model);
  }
  return model;
}

function search(task: PartitionTask): PartitionOutcome | undefined {
  const model = modelFor(task);
  const deadlineMs = task.deadlineEpochMs ?? Number.POSITIVE_INFINITY;
  const budget = {
    entries: 0,
    chars: 0,
    entriesMax: task.memoEntriesMax,
    charsMax: task.memoCharsMax,
    stateIds: 0,
  };
  const progress: SearchProgress<unknown> = { steps: 0, memoEntries: 0, best: undefined };
  const running = createSearch(model, task.partition.searched, {
    stepsPerClockCheck: task.stepsPerClockCheck,
    budget,
    progress,
  });
  let outcome: SearchOutcome<unknown> | undefined;
  while ((outcome = running.resume()) === undefined) {
    if (Atomics.load(stop, slot) !== 0) {
      running.stop();
      return undefined;
    }
    if (realCheckerClock.nowMs() >= deadlineMs) {
      running.stop();
      outcome = { type: 'timeout', ...progress };
      break;
    }
  }
  return settle(model, task.partition, outcome);
}

parentPort!.on('message', (task: PartitionTask) => {
  try {
    const done: PartitionDone = { index: task.index, outcome: search(task) };
    parentPort!.postMessage(done);
  } catch (error) {
    const failed: PartitionFailed = { index: task.index, error: (error as Error).stack ?? String(error) };
    parentPort!.postMessage(failed);
  }
});
