// One Jepsen-style test in sim mode: a SimEtcdCluster of real etcd-ts members on
// virtual time, a workload driven by the seeded generator through simulated client
// links, a seeded nemesis schedule whose faults are history events, then the workload's
// checker. Everything random forks from the seed and everything runs on the world's
// queue, so one seed gives one bit-identical history (its sha256 is the run's hash).
// Bounded by the cluster's event budget and a virtual-time limit.

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { nemeses } from '../nemesis/registry.js';
import { NemesisSchedule } from '../nemesis/schedule.js';
import type { RunResults } from '../reports/index.js';
import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import { SimEtcdCluster } from '../sim/etcd-cluster.js';
import { SimNemesisTarget } from '../sim/nemesis-target.js';
import { SimClient } from '../sim/sim-client.js';
import { SimWorkloadClient, worldClockOf } from '../sim/sim-workload-adapter.js';
import { type GeneratorResult, runGenerator } from '../workloads/generator.js';
import { type RecordedEvent, Recorder } from '../workloads/recorder.js';
import { workloads } from '../workloads/registry.js';
import type { RunOptions } from './run-options.js';
import { checkRun, supportedWorkloads } from './run-sim-check.js';

export { checkSetFinalRead, supportedWorkloads } from './run-sim-check.js';

export interface SimTestOptions extends RunOptions {
  /** Simulator events the whole run may take. Default 20,000,000. */
  readonly eventsMax?: number;
}

export interface SimTestResult {
  readonly history: readonly RecordedEvent[];
  readonly historyJsonl: string;
  /** sha256 of `historyJsonl`, hex. */
  readonly historyHash: string;
  readonly results: RunResults;
  readonly opCount: number;
  readonly faultCount: number;
  readonly virtualTimeMs: number;
  readonly simEvents: number;
  readonly checkMs: number;
}

export const eventsMaxDefault = 20_000_000;
/** Virtual time after the time limit for in-flight requests and final reads to finish. */
const drainMsMax = 120_000;
function recoveryMsOf(options: SimTestOptions): number {
  return Math.round((options.recoveryS ?? Math.min(10, options.timeLimitS / 2)) * 1000);
}

/** Throws a ConfigError naming the first field that cannot work; runs nothing. */
export function validateSimOptions(options: SimTestOptions): void {
  if (!workloads.has(options.workload)) {
    throw new ConfigError('workload', options.workload, `known: ${[...workloads.keys()].join(', ')}`);
  }
  const supported = supportedWorkloads();
  if (!supported.includes(options.workload)) {
    throw new ConfigError('workload', options.workload, `sim runs support: ${supported.join(', ')}`);
  }
  for (const name of options.nemesis) {
    const spec = nemeses.get(name);
    if (spec === undefined) {
      throw new ConfigError('nemesis', name, `known: ${[...nemeses.keys()].join(', ')}`);
    }
    if (options.nodes < spec.nodesMin) {
      throw new ConfigError('nodes', options.nodes, `the ${name} nemesis needs at least ${spec.nodesMin}`);
    }
  }
  if (options.nodes !== 3 && options.nodes !== 5) {
    throw new ConfigError('nodes', options.nodes, 'sim mode runs 3 or 5 nodes');
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new ConfigError('seed', options.seed, 'it must be a non-negative integer');
  }
  if (!(options.timeLimitS > 0) || options.timeLimitS > 3600) {
    throw new ConfigError('timeLimitS', options.timeLimitS, 'it must be in (0, 3600] seconds');
  }
  requirePositiveInteger('rate', options.rate);
  requirePositiveInteger('concurrency', options.concurrency);
  const intervalS = options.intervalS ?? 5;
  if (!(intervalS > 0)) throw new ConfigError('intervalS', intervalS, 'it must be positive');
  const recoveryMs = recoveryMsOf(options);
  if (!(recoveryMs >= 0) || recoveryMs >= options.timeLimitS * 1000) {
    throw new ConfigError('recoveryS', options.recoveryS, 'it must be at least 0 and below the time limit');
  }
  requirePositiveInteger('eventsMax', options.eventsMax ?? eventsMaxDefault);
}

/** One line of JSON per event, in index order. */
export function historyToJsonl(history: readonly RecordedEvent[]): string {
  return history.map((event) => `${JSON.stringify(event)}\n`).join('');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface SimProgress {
  readonly virtualTimeMs: number;
  readonly events: number;
  readonly faults: number;
}

/** A started run: the cluster with a leader, its clients, recorder and fault schedule. */
interface SimWorld {
  readonly cluster: SimEtcdCluster;
  readonly clock: Clock;
  readonly generatorRandom: Random;
  readonly recorder: Recorder;
  readonly clients: readonly SimWorkloadClient[];
  readonly schedule: NemesisSchedule;
  /** Virtual time when the workload started (a leader was elected). */
  readonly startMs: number;
}

async function startWorld(options: SimTestOptions): Promise<SimWorld> {
  const timeLimitMs = Math.round(options.timeLimitS * 1000);
  // One runUntil covers at most one progress period; the whole run is checked after each.
  const cluster = new SimEtcdCluster({
    seed: options.seed,
    size: options.nodes,
    eventsPerRunMax: options.eventsMax ?? eventsMaxDefault,
    ...(options.unsafeLocalReads ? { unsafe: { serveReadsLocally: true } } : {}),
  });
  const clock = worldClockOf(cluster);
  // Fork order is part of the seed's meaning: generator, nemesis, then one per client.
  const generatorRandom = cluster.forkRandom();
  const nemesisRandom = cluster.forkRandom();
  await cluster.waitForLeader();
  const startMs = cluster.nowMs();
  // History times count from the workload's start, in ms to the microsecond.
  const relativeClock = {
    nowMs: () => Math.round((clock.nowMs() - startMs) * 1000) / 1000,
    setTimer: clock.setTimer,
  };
  const recorder = new Recorder({ clock: relativeClock, concurrency: options.concurrency });
  const clients = cluster.memberIds.map(
    (memberId) =>
      new SimWorkloadClient(
        new SimClient(cluster, { memberId, random: cluster.forkRandom(), name: `client${memberId}` }),
      ),
  );
  const schedule = new NemesisSchedule({
    target: new SimNemesisTarget(cluster),
    nemeses: options.nemesis.map((name) => nemeses.get(name)!.create()),
    clock,
    random: nemesisRandom,
    intervalMs: Math.round((options.intervalS ?? 5) * 1000),
    faultWindowMs: timeLimitMs - recoveryMsOf(options),
    note: (record) => {
      cluster.record(`nemesis ${record.f} ${JSON.stringify(record.value)}`);
      recorder.note({ type: 'info', f: record.f, value: record.value });
    },
  });
  return { cluster, clock, generatorRandom, recorder, clients, schedule, startMs };
}

/** Runs the world in progress periods until `isFinished`, within the time and event bounds. */
async function driveWorld(
  world: SimWorld,
  options: SimTestOptions,
  run: { isFinished: () => boolean; onProgress: ((progress: SimProgress) => void) | undefined },
): Promise<void> {
  const { cluster, startMs } = world;
  const timeLimitMs = Math.round(options.timeLimitS * 1000);
  const eventsMax = options.eventsMax ?? eventsMaxDefault;
  const progressEveryMs = 5_000;
  for (let untilMs = progressEveryMs; !run.isFinished(); untilMs += progressEveryMs) {
    const deadlineMs = startMs + untilMs;
    if (untilMs > timeLimitMs + drainMsMax) {
      throw new Error(`the run did not finish within ${(timeLimitMs + drainMsMax) / 1000} s of virtual time`);
    }
    await cluster.runUntil(() => run.isFinished() || cluster.nowMs() >= deadlineMs, {
      timeMsMax: deadlineMs - cluster.nowMs(),
    });
    if (cluster.eventCount > eventsMax) {
      throw new Error(`the run took over eventsMax = ${eventsMax} simulator events`);
    }
    run.onProgress?.({
      virtualTimeMs: cluster.nowMs() - startMs,
      events: world.recorder.history().length,
      faults: world.schedule.faults,
    });
  }
}

export async function runSimTest(
  options: SimTestOptions,
  onProgress?: (progress: SimProgress) => void,
): Promise<SimTestResult> {
  validateSimOptions(options);
  const world = await startWorld(options);
  const workload = workloads.get(options.workload)!({ keyPrefix: '' });
  world.schedule.start();
  let outcome: { type: 'done'; result: GeneratorResult } | { type: 'failed'; error: unknown } | undefined;
  void runGenerator(workload, {
    clock: world.clock,
    random: world.generatorRandom,
    clients: world.clients,
    concurrency: options.concurrency,
    rateOpsPerSecond: options.rate,
    timeLimitMs: Math.round(options.timeLimitS * 1000),
    recorder: world.recorder,
  }).then(
    (result) => {
      outcome = { type: 'done', result };
    },
    (error: unknown) => {
      outcome = { type: 'failed', error };
    },
  );
  await driveWorld(world, options, { isFinished: () => outcome !== undefined, onProgress });
  if (outcome === undefined) throw new Error('the generator did not finish');
  if (outcome.type === 'failed') throw outcome.error;
  const generated = outcome.result;
  const virtualTimeMs = world.cluster.nowMs() - world.startMs;
  const simEvents = world.cluster.eventCount;
  world.cluster.stop();
  const historyJsonl = historyToJsonl(generated.history);
  const checkStartMs = performance.now();
  const results = checkRun(workload, generated.history);
  return {
    history: generated.history,
    historyJsonl,
    historyHash: sha256Hex(historyJsonl),
    results,
    opCount: generated.opCount,
    faultCount: world.schedule.faults,
    virtualTimeMs,
    simEvents,
    checkMs: performance.now() - checkStartMs,
  };
}
