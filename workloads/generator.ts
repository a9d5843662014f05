// The seeded generator runtime: it drives a workload over `concurrency` workers, each a
// logical process with its own client, at a bounded rate (Jepsen's defaults: 200 ops/s
// in total, concurrency 2 x nodes), until an op count or a time limit is reached, then
// runs the workload's final operations. Operations are drawn from the Random in slot
// order (slot k is the k-th op started), so the same seed gives the same op sequence
// whatever the timing; with a simulated clock the whole history is the same too.

import { EtcdError } from '../server/api/errors.js';
import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import { ClientError, requestTimeoutMsDefault, type WorkloadClient } from './client.js';
import { classifyError } from './outcome.js';
import { type Completion, type OperationRequest, type RecordedEvent, Recorder } from './recorder.js';
import { sleep, type Workload } from './workload.js';

export const rateOpsPerSecondDefault = 200;
/** Hard ceiling on operations in one run, whatever the options say. */
export const opsMaxCeiling = 1_000_000;

export interface GeneratorOptions {
  readonly clock: Clock;
  readonly random: Random;
  /** One client per node; worker w uses clients[w % clients.length]. */
  readonly clients: readonly WorkloadClient[];
  /** Default 2 x clients.length (Jepsen's 2n). */
  readonly concurrency?: number;
  /** Operations started per second across all workers. Default 200. */
  readonly rateOpsPerSecond?: number;
  /** Main-phase operations at most. Default opsMaxCeiling. */
  readonly opsMax?: number;
  /** No operation starts after this many ms. Default 60 000. */
  readonly timeLimitMs?: number;
  /** Per-request timeout. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  /** Where events go; default a new Recorder on `clock`. */
  readonly recorder?: Recorder;
}

export interface GeneratorResult {
  readonly history: readonly RecordedEvent[];
  /** Operations invoked, final ones included. */
  readonly opCount: number;
}

interface Settings {
  readonly concurrency: number;
  readonly rateOpsPerSecond: number;
  readonly opsMax: number;
  readonly timeLimitMs: number;
  readonly requestTimeoutMs: number;
}

function settingsOf(options: GeneratorOptions): Settings {
  if (options.clients.length === 0) throw new ConfigError('clients', [], 'at least one client is needed');
  const settings: Settings = {
    concurrency: options.concurrency ?? 2 * options.clients.length,
    rateOpsPerSecond: options.rateOpsPerSecond ?? rateOpsPerSecondDefault,
    opsMax: options.opsMax ?? opsMaxCeiling,
    timeLimitMs: options.timeLimitMs ?? 60_000,
    requestTimeoutMs: options.requestTimeoutMs ?? requestTimeoutMsDefault,
  };
  for (const [field, value] of Object.entries(settings)) requirePositiveInteger(field, value);
  if (settings.opsMax > opsMaxCeiling) {
    throw new ConfigError('opsMax', settings.opsMax, `it must be at most ${opsMaxCeiling}`);
  }
  return settings;
}

/** Runs one operation on `worker`, recording its invoke and completion. */
async function runOne(
  workload: Workload,
  request: OperationRequest,
  context: { worker: number; client: WorkloadClient; recorder: Recorder; clock: Clock; timeoutMs: number },
): Promise<void> {
  context.recorder.invoke(context.worker, request);
  let completion: Completion;
  try {
    completion = await workload.invoke(request, context);
  } catch (error) {
    // Only request errors have an outcome; anything else is a bug and stops the run loudly.
    if (!(error instanceof EtcdError || error instanceof ClientError)) throw error;
    const outcome = classifyError(error, { idempotent: workload.isIdempotent(request.f) });
    completion = { type: outcome.type, error: outcome.error };
  }
  context.recorder.complete(context.worker, completion);
}

/** Drives `workload` to completion and returns its history. */
export async function runGenerator(workload: Workload, options: GeneratorOptions): Promise<GeneratorResult> {
  const settings = settingsOf(options);
  const { clock, random } = options;
  const recorder = options.recorder ?? new Recorder({ clock, concurrency: settings.concurrency });
  if (recorder.options.concurrency !== settings.concurrency) {
    throw new ConfigError(
      'recorder',
      recorder.options.concurrency,
      `its concurrency must be the run's (${settings.concurrency})`,
    );
  }
  const startMs = clock.nowMs();
  let slot = 0;
  const contextOf = (worker: number) => ({
    worker,
    client: options.clients[worker % options.clients.length]!,
    recorder,
    clock,
    timeoutMs: settings.requestTimeoutMs,
  });
  const worker = async (index: number): Promise<void> => {
    for (;;) {
      // Claim the next slot and draw its op in one synchronous step: slot order = draw order.
      const slotStartMs = startMs + Math.floor((slot * 1000) / settings.rateOpsPerSecond);
      // The time limit is elapsed time too (as Jepsen's): when ops are slower than the
      // rate (long lock holds, timeouts under faults) slots fall behind the clock, and
      // working through the rest of them would run far past the limit.
      const elapsedMs = clock.nowMs() - startMs;
      if (
        slot >= settings.opsMax ||
        slotStartMs - startMs >= settings.timeLimitMs ||
        elapsedMs >= settings.timeLimitMs
      )
        return;
      slot += 1;
      const request = workload.next(random, { worker: index });
      const waitMs = slotStartMs - clock.nowMs();
      if (waitMs > 0) await sleep(clock, waitMs);
      await runOne(workload, request, contextOf(index));
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, (_, index) => worker(index)));
  const finals = workload.finalRequests?.() ?? [];
  for (const request of finals) await runOne(workload, request, contextOf(0));
  workload.close?.();
  return { history: recorder.history(), opCount: slot + finals.length };
}
