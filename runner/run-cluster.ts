// One Jepsen-style test against a real cluster (process or docker mode) or against
// endpoints a user gives (external mode): workload clients over gRPC (through the
// Toxiproxy client proxies when the suite runs the cluster), the seeded generator on
// real time, the seeded nemesis schedule acting through ClusterNemesisTarget, the final
// reads, then the checker. The seed fixes the operations and the fault schedule; timing
// is real, so two runs of one seed differ in their histories (DESIGN.md "Modes").
// What runs the members is a `ClusterLauncher` (processes here, containers in docker
// mode); everything else is shared.

import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nemeses } from '../nemesis/registry.js';
import { NemesisSchedule } from '../nemesis/schedule.js';
import type { RunResults } from '../reports/index.js';
import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import { ProcessClock } from '../server/ports/process-clock.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { runGenerator } from '../workloads/generator.js';
import { GrpcClient } from '../workloads/grpc-client.js';
import { type RecordedEvent, Recorder } from '../workloads/recorder.js';
import { workloads } from '../workloads/registry.js';
import type { NodeCluster, NodeClusterOptions, SutKind } from './node-cluster.js';
import { ClusterNemesisTarget } from './run-cluster-target.js';
import type { RunOptions } from './run-options.js';
import { historyToJsonl, sha256Hex } from './run-sim.js';
import { checkRun, supportedWorkloads } from './run-sim-check.js';
import { ProxyNetwork, startToxiproxyServer, type ToxiproxyServer } from './toxiproxy.js';

export type ClusterMode = 'process' | 'docker' | 'external';

export interface ClusterTestOptions extends RunOptions {
  readonly mode: ClusterMode;
  /** What runs in process/docker mode; in external mode only a label. */
  readonly db: SutKind;
  /** External mode: host:port of each endpoint. */
  readonly endpoints?: readonly string[];
  /** Every key the workload touches starts with this (external mode's isolation). Default ''. */
  readonly keyPrefix?: string;
  /** Per-request timeout. Default 5000 ms (Jepsen's etcd client). */
  readonly requestTimeoutMs?: number;
}

/** Starts the members; process mode passes startProcessNodeCluster, docker mode its own. */
export type ClusterLauncher = (options: NodeClusterOptions) => Promise<NodeCluster>;

export interface ClusterProgress {
  readonly elapsedMs: number;
  readonly events: number;
  readonly faults: number;
}

export interface ClusterTestResult {
  readonly history: readonly RecordedEvent[];
  readonly historyJsonl: string;
  readonly historyHash: string;
  readonly results: RunResults;
  readonly opCount: number;
  readonly faultCount: number;
  readonly wallMs: number;
  readonly checkMs: number;
}

/** Nemeses real etcd cannot take, with the reason the run gives before anything starts. */
export const unsupportedOnRealEtcd: ReadonlyMap<string, string> = new Map([
  ['clock', 'clock faults are unsupported on real etcd (Go binaries ignore libfaketime)'],
  ['disk', "disk faults need etcd-ts's fault-control endpoint; real etcd has none"],
]);
const progressEveryMs = 5_000;
/** After the generator ends, the final heal (restarts included) must finish within this. */
const healWaitMs = 60_000;
/**
 * How long the control in progress may take to finish once the schedule is cancelled;
 * the cluster is stopped after it either way (and refuses to start members once stopped).
 */
const cancelWaitMs = 30_000;

async function boundedWait(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the nemesis schedule did not finish its final heal within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function recoveryMsOf(options: ClusterTestOptions): number {
  return Math.round((options.recoveryS ?? Math.min(10, options.timeLimitS / 2)) * 1000);
}

/** Throws a ConfigError naming the first field that cannot work; starts nothing. */
export function validateClusterOptions(options: ClusterTestOptions): void {
  if (!workloads.has(options.workload)) {
    throw new ConfigError('workload', options.workload, `known: ${[...workloads.keys()].join(', ')}`);
  }
  const supported = supportedWorkloads();
  if (!supported.includes(options.workload)) {
    throw new ConfigError(
      'workload',
      options.workload,
      `${options.mode} runs support: ${supported.join(', ')}`,
    );
  }
  if (options.mode === 'external') {
    if (options.nemesis.length > 0) {
      throw new ConfigError(
        'nemesis',
        options.nemesis.join(','),
        'external mode injects no faults: they need control of the members (use --mode process)',
      );
    }
    if (options.unsafeLocalReads)
      throw new ConfigError('unsafeLocalReads', true, 'it plants a bug in members the suite starts');
    if (options.endpoints === undefined || options.endpoints.length === 0) {
      throw new ConfigError(
        'endpoints',
        options.endpoints ?? '',
        'external mode needs --endpoints host:port,...',
      );
    }
    for (const endpoint of options.endpoints) {
      if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(endpoint)) {
        throw new ConfigError('endpoints', endpoint, 'each endpoint must be host:port');
      }
    }
  } else {
    if (options.nodes !== 3 && options.nodes !== 5) {
      throw new ConfigError('nodes', options.nodes, `${options.mode} mode runs 3 or 5 nodes`);
    }
    if (options.unsafeLocalReads && options.db !== 'etcd-ts') {
      throw new ConfigError('unsafeLocalReads', true, 'the planted stale-read bug exists in etcd-ts only');
    }
  }
  for (const name of options.nemesis) {
    const spec = nemeses.get(name);
    if (spec === undefined)
      throw new ConfigError('nemesis', name, `known: ${[...nemeses.keys()].join(', ')}`);
    if (options.nodes < spec.nodesMin) {
      throw new ConfigError('nodes', options.nodes, `the ${name} nemesis needs at least ${spec.nodesMin}`);
    }
    const refusal = options.db === 'etcd' ? unsupportedOnRealEtcd.get(name) : undefined;
    if (refusal !== undefined) throw new ConfigError('nemesis', name, refusal);
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0) {
    throw new ConfigError('seed', options.seed, 'it must be a non-negative integer');
  }
  if (!(options.timeLimitS > 0) || options.timeLimitS > 3600) {
    throw new ConfigError('timeLimitS', options.timeLimitS, 'it must be in (0, 3600] seconds');
  }
  requirePositiveInteger('rate', options.rate);
  requirePositiveInteger('concurrency', options.concurrency);
  requirePositiveInteger('requestTimeoutMs', options.requestTimeoutMs ?? 5_000);
  const intervalS = options.intervalS ?? 5;
  if (!(intervalS > 0)) throw new ConfigError('intervalS', intervalS, 'it must be positive');
  const recoveryMs = recoveryMsOf(options);
  if (!(recoveryMs >= 0) || recoveryMs >= options.timeLimitS * 1000) {
    throw new ConfigError('recoveryS', options.recoveryS, 'it must be at least 0 and below the time limit');
  }
}

/** What a run needs from where its members run, and how to let go of it. */
export interface ClusterEnvironment {
  /** host:port the workload's clients use, one per member. */
  readonly clientAddresses: readonly string[];
  /** The fault controls; undefined in external mode. */
  readonly target: ClusterNemesisTarget | undefined;
  /** Copies member logs into `directory`. */
  collectLogs(directory: string): void;
  /** Stops members, proxies and Toxiproxy; safe to call twice. */
  stop(): Promise<void>;
}

/** Endpoints given by the user: no proxies, no faults, nothing to stop. */
export function externalEnvironment(endpoints: readonly string[]): ClusterEnvironment {
  return {
    clientAddresses: endpoints,
    target: undefined,
    collectLogs: () => undefined,
    stop: async () => undefined,
  };
}

export interface ClusterEnvironmentOptions {
  readonly launch: ClusterLauncher;
  /** Where Toxiproxy's log goes (a temp dir by default). */
  readonly workDir?: string;
  /** The member's fault-control endpoint, when the launcher gives members one. */
  readonly faultControlOf?: (cluster: NodeCluster, member: string) => string | undefined;
}

/** Toxiproxy, the proxies and the cluster, started in that order and stopped in reverse. */
export async function startClusterEnvironment(
  options: ClusterTestOptions,
  environment: ClusterEnvironmentOptions,
): Promise<ClusterEnvironment> {
  const workDir = environment.workDir ?? mkdtempSync(join(tmpdir(), 'etcd-chaos-run-'));
  const toxiproxyLog = join(workDir, 'toxiproxy.log');
  let server: ToxiproxyServer | undefined;
  let cluster: NodeCluster | undefined;
  const statusClients: GrpcClient[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const client of statusClients) client.close();
    await cluster?.stop();
    await server?.stop();
    if (environment.workDir === undefined) rmSync(workDir, { recursive: true, force: true });
  };
  try {
    server = await startToxiproxyServer({ logFile: toxiproxyLog });
    const network = new ProxyNetwork(server);
    const extraFlags = options.unsafeLocalReads ? ['--unsafe-serve-reads-locally'] : [];
    cluster = await environment.launch({
      kind: options.db,
      size: options.nodes,
      peerDial: network.peerDial,
      extraFlags,
    });
    await network.ready();
    const proxies = await network.addClientProxies(cluster.members);
    const clientAddresses = cluster.members.map((member) => {
      const address = proxies.get(member.name)!;
      return `${address.host}:${address.port}`;
    });
    for (const member of cluster.members) {
      statusClients.push(new GrpcClient(`${member.clientListen.host}:${member.clientListen.port}`));
    }
    const started = cluster;
    const target = new ClusterNemesisTarget({
      cluster: started,
      network,
      statusClients,
      ...(environment.faultControlOf === undefined
        ? {}
        : { faultControlOf: (member: string) => environment.faultControlOf?.(started, member) }),
    });
    return {
      clientAddresses,
      target,
      collectLogs(directory) {
        for (const member of started.members) {
          if (existsSync(member.logFile)) copyFileSync(member.logFile, join(directory, `${member.name}.log`));
        }
        if (existsSync(toxiproxyLog)) copyFileSync(toxiproxyLog, join(directory, 'toxiproxy.log'));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs the workload and the fault schedule on `environment`, then checks the history. */
export interface ClusterRunHooks {
  readonly onProgress?: (progress: ClusterProgress) => void;
  /** Runs once the workload is done, before the (possibly long) check: keep logs, stop members. */
  readonly afterWorkload?: () => Promise<void>;
}

export async function runClusterTest(
  options: ClusterTestOptions,
  environment: ClusterEnvironment,
  hooks: ClusterRunHooks = {},
): Promise<ClusterTestResult> {
  validateClusterOptions(options);
  const workload = workloads.get(options.workload)!({ keyPrefix: options.keyPrefix ?? '' });
  const clock: Clock = new ProcessClock();
  // Fork order is part of the seed's meaning, as in sim runs: generator, then nemesis.
  const root = new Xoshiro128(options.seed);
  const generatorRandom = root.fork();
  const nemesisRandom = root.fork();
  const startMs = clock.nowMs();
  const relativeClock: Clock = {
    nowMs: () => Math.round((clock.nowMs() - startMs) * 1000) / 1000,
    setTimer: (delayMs, callback) => clock.setTimer(delayMs, callback),
  };
  const recorder = new Recorder({ clock: relativeClock, concurrency: options.concurrency });
  const clients = environment.clientAddresses.map(
    (address) => new GrpcClient(address, { timeoutMsDefault: options.requestTimeoutMs ?? 5_000 }),
  );
  const timeLimitMs = Math.round(options.timeLimitS * 1000);
  const schedule =
    environment.target === undefined || options.nemesis.length === 0
      ? undefined
      : new NemesisSchedule({
          target: environment.target,
          nemeses: options.nemesis.map((name) => nemeses.get(name)!.create()),
          clock,
          random: nemesisRandom,
          intervalMs: Math.round((options.intervalS ?? 5) * 1000),
          faultWindowMs: timeLimitMs - recoveryMsOf(options),
          note: (record) => recorder.note({ type: 'info', f: record.f, value: record.value }),
        });
  schedule?.start();
  const progress = setInterval(() => {
    hooks.onProgress?.({
      elapsedMs: clock.nowMs() - startMs,
      events: recorder.history().length,
      faults: schedule?.faults ?? 0,
    });
  }, progressEveryMs);
  try {
    const generated = await runGenerator(workload, {
      clock,
      random: generatorRandom,
      clients,
      concurrency: options.concurrency,
      rateOpsPerSecond: options.rate,
      timeLimitMs,
      recorder,
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
    // The heal is due before the time limit; a restart it waits on is bounded itself.
    if (schedule !== undefined) await boundedWait(schedule.whenHealed(), healWaitMs);
    const wallMs = clock.nowMs() - startMs;
    clearInterval(progress);
    for (const client of clients) client.close();
    await hooks.afterWorkload?.();
    const history = recorder.history();
    const historyJsonl = historyToJsonl(history);
    const checkStartMs = clock.nowMs();
    const results = checkRun(workload, history);
    return {
      history,
      historyJsonl,
      historyHash: sha256Hex(historyJsonl),
      results,
      opCount: generated.opCount,
      faultCount: schedule?.faults ?? 0,
      wallMs,
      checkMs: clock.nowMs() - checkStartMs,
    };
  } finally {
    clearInterval(progress);
    for (const client of clients) client.close();
    // A heal that ran over its time (or a run that failed) must not go on faulting, and
    // a late restart must not start a member after the cluster is stopped.
    if (schedule !== undefined) await boundedWait(schedule.cancel(), cancelWaitMs).catch(() => {});
  }
}
