// Linearizability with partitions searched in parallel on a bounded pool of worker threads,
// for histories whose search is long enough to pay for them: the search starts in this
// thread, and the partitions still unfinished after `inThreadMsMaxDefault` move to the
// workers. The plan (planPartitions) fixes the order whose first invalid partition explains
// the verdict, so the verdict and explanation are those of the in-thread check whatever the
// number of workers: partitions are handed out in plan order, and once one is found invalid
// the workers on later ones are stopped while earlier ones finish.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Operation } from './history.js';
import {
  checkPlanned,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  memoEntriesMaxDefault,
  type PartitionOutcome,
  type PlannedPartition,
  planPartitions,
  resultOf,
  searchInTurns,
} from './linearizability.js';
import type { ModelOptions } from './model.js';
import { models } from './models/index.js';
import { memoCharsMax } from './partition-search.js';
import type { PartitionDone, PartitionFailed, PartitionTask, PartitionWorkerData } from './partition-task.js';
import { realCheckerClock } from './real-clock.js';

/**
 * How long the search runs in this thread before the unfinished partitions move to worker
 * threads. Starting the pool costs 150-250 ms and copying a partition to a worker about as
 * much as searching it in this thread when the search is light (kv histories with long
 * appended values: measured on bench:checker's cases, 2 workers, shared 2-core machine), so
 * only searches that are still running after a second gain from the workers.
 */
export const inThreadMsMaxDefault = 1_000;
/** Worker threads at most, whatever is asked. */
export const workersMax = 64;

export interface ParallelCheckOptions extends LinearizabilityOptions {
  /** A name in the model registry: workers rebuild the model from it. */
  model: string;
  modelOptions?: ModelOptions;
  /** Worker threads to use at most; 1 checks in this thread. */
  workers: number;
  /** Time in this thread before unfinished partitions move to workers. Default `inThreadMsMaxDefault`. */
  inThreadMsMax?: number;
  /** The worker script; default partition-worker.js beside this module (tests pass a bundled one). */
  workerUrl?: URL;
}

function defaultWorkerUrl(): URL {
  const url = new URL('./partition-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    throw new Error(
      `checker: worker script ${fileURLToPath(url)} not found (run from the build, or pass workerUrl)`,
    );
  }
  return url;
}

/**
 * Checks `operations` against the named model with up to `workers` threads. Stays in this
 * thread when there is one worker, one partition, no clock, a partition the model proves
 * invalid up front (only that one is searched), or a search done within `inThreadMsMax`.
 */
export async function checkInWorkers(
  operations: Operation[],
  options: ParallelCheckOptions,
): Promise<LinearizabilityResult> {
  const factory = models.get(options.model);
  if (factory === undefined)
    throw new Error(`checkInWorkers: unknown model ${JSON.stringify(options.model)}`);
  if (options.timeoutMs !== undefined && options.clock === undefined) {
    throw new Error('checkInWorkers: timeoutMs needs a clock');
  }
  const deadlineMs =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : options.clock!.nowMs() + options.timeoutMs;
  const modelOptions = options.modelOptions ?? {};
  const model = factory(modelOptions);
  const plan = planPartitions(model, operations);
  const poolSize = Math.min(Math.max(1, Math.floor(options.workers)), workersMax, plan.length);
  const clock = options.clock;
  if (poolSize <= 1 || clock === undefined || plan[0]!.suspect) return checkPlanned(model, plan, options);
  const turns = searchInTurns(
    model,
    plan,
    options,
    clock.nowMs() + (options.inThreadMsMax ?? inThreadMsMaxDefault),
  );
  const { outcomes, handedOff } = turns;
  if (handedOff.length === 0) return resultOf(plan, outcomes, options.timeoutMs);
  const workerThreads = Math.min(poolSize, handedOff.length);
  const pooled = await runPool(plan, handedOff, {
    ...options,
    modelOptions,
    poolSize: workerThreads,
    deadlineMs,
  });
  for (const index of handedOff) outcomes[index] = pooled[index];
  return { ...resultOf(plan, outcomes, options.timeoutMs), workerThreads };
}

interface PoolOptions extends ParallelCheckOptions {
  modelOptions: ModelOptions;
  poolSize: number;
  /** On `options.clock`; infinite without a timeout. */
  deadlineMs: number;
}

/**
 * Runs the plan's partitions listed in `indexes` (in plan order) on `poolSize` workers;
 * resolves with each partition's outcome by plan index (undefined: not needed).
 */
async function runPool(
  plan: PlannedPartition[],
  indexes: number[],
  options: PoolOptions,
): Promise<Array<PartitionOutcome | undefined>> {
  const url = options.workerUrl ?? defaultWorkerUrl();
  const stopFlags = new SharedArrayBuffer(4 * options.poolSize);
  const stop = new Int32Array(stopFlags);
  const workers: Worker[] = [];
  for (let slot = 0; slot < options.poolSize; slot++) {
    const workerData: PartitionWorkerData = { stopFlags, slot };
    workers.push(new Worker(url, { workerData }));
  }
  const { clock, deadlineMs } = options;
  const outcomes: Array<PartitionOutcome | undefined> = plan.map(() => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      /** The plan index each busy worker searches; `nextToStart` counts through `indexes`. */
      const busy = new Map<number, number>();
      let nextToStart = 0;
      let firstInvalid = Number.POSITIVE_INFINITY;
      let timedOut = false;
      let failed = false;
      const dispatch = (): void => {
        for (let slot = 0; slot < workers.length; slot++) {
          if (busy.has(slot)) continue;
          if (nextToStart >= indexes.length || firstInvalid !== Number.POSITIVE_INFINITY || timedOut) break;
          const index = indexes[nextToStart++]!;
          Atomics.store(stop, slot, 0);
          const task: PartitionTask = {
            index,
            model: options.model,
            modelOptions: options.modelOptions,
            partition: plan[index]!,
            deadlineEpochMs:
              deadlineMs === Number.POSITIVE_INFINITY
                ? undefined
                : realCheckerClock.nowMs() + (deadlineMs - clock!.nowMs()),
            memoEntriesMax: Math.floor((options.memoEntriesMax ?? memoEntriesMaxDefault) / workers.length),
            memoCharsMax: Math.floor(memoCharsMax / workers.length),
            stepsPerClockCheck: options.stepsPerClockCheck ?? 256,
          };
          busy.set(slot, index);
          workers[slot]!.postMessage(task);
        }
        if (busy.size === 0) resolve();
      };
      for (const [slot, worker] of workers.entries()) {
        worker.on('message', (message: PartitionDone | PartitionFailed) => {
          if (failed) return;
          busy.delete(slot);
          if ('error' in message) {
            failed = true;
            reject(
              new Error(`checker worker failed on partition ${plan[message.index]!.name}: ${message.error}`),
            );
            return;
          }
          outcomes[message.index] = message.outcome;
          if (message.outcome?.type === 'illegal' && message.index < firstInvalid) {
            // Later partitions cannot change the verdict or its explanation: stop them.
            firstInvalid = message.index;
            for (const [other, index] of busy) if (index > firstInvalid) Atomics.store(stop, other, 1);
          }
          if (message.outcome?.type === 'timeout') {
            // The others share the deadline: what they would report changes nothing now.
            timedOut = true;
            resolve();
            return;
          }
          try {
            dispatch();
          } catch (error) {
            // A task that cannot be sent is a crash of the check, not of the process from
            // an event handler (whose exit code 1 would read as "invalid").
            failed = true;
            reject(error);
          }
        });
        worker.on('error', (error) => {
          if (failed) return;
          failed = true;
          reject(error);
        });
        worker.on('exit', (code) => {
          if (failed || !busy.has(slot)) return;
          failed = true;
          reject(new Error(`checker worker exited (code ${code}) while searching a partition`));
        });
      }
      dispatch();
    });
  } finally {
    // Terminating interrupts each worker's JavaScript at once; tearing its heap down takes
    // tens of ms more, which the caller need not wait for (the threads hold no files and
    // are unreferenced, so they cannot keep the process alive).
    for (const worker of workers) {
      worker.unref();
      void worker.terminate();
    }
  }
  return outcomes;
}
