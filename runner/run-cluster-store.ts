// One real-cluster run from options to the store, like sim-run-store.ts for sim runs:
// start the environment (Toxiproxy, proxies, members) or take the user's endpoints, run
// with periodic progress lines, write the run directory (test.json with mode, db, the
// whole config, the seed and the exact command to rerun; history.jsonl; results.json;
// report.html; member and Toxiproxy logs) and refresh the store's index. Every process
// is stopped on the way out, also on failure and on SIGINT/SIGTERM.

import type { CommandIo } from './commands/command.js';
import { createProgress, type Progress, stdoutIsTerminal } from './progress.js';
import {
  type ClusterEnvironment,
  type ClusterEnvironmentOptions,
  type ClusterProgress,
  type ClusterTestOptions,
  type ClusterTestResult,
  externalEnvironment,
  runClusterTest,
  startClusterEnvironment,
} from './run-cluster.js';
import { runFieldsOf } from './run-options.js';
import { verdictWord } from './sim-run-store.js';
import { createRunDir, writeRun } from './store.js';

export function clusterTestNameOf(options: ClusterTestOptions): string {
  const nemesis = options.nemesis.length === 0 ? 'none' : options.nemesis.join('+');
  const sut = options.mode === 'external' ? 'external' : `${options.mode}-${options.db}`;
  return `${sut}-${options.workload}-${nemesis}`;
}

/** The `test` command line that reruns `options` (same seed and config; timing is real). */
export function clusterTestCommandOf(options: ClusterTestOptions): string {
  const parts = [
    `etcd-chaos test --mode ${options.mode}`,
    ...(options.mode === 'external'
      ? [`--endpoints ${(options.endpoints ?? []).join(',')}`]
      : [`--db ${options.db}`]),
    `--workload ${options.workload}`,
    `--nemesis ${options.nemesis.length === 0 ? 'none' : options.nemesis.join(',')}`,
    ...(options.mode === 'external' ? [] : [`--nodes ${options.nodes}`]),
    `--time-limit ${options.timeLimitS}`,
    `--rate ${options.rate}`,
    `--concurrency ${options.concurrency}`,
    ...(options.intervalS === undefined ? [] : [`--interval ${options.intervalS}`]),
    ...(options.recoveryS === undefined ? [] : [`--recovery ${options.recoveryS}`]),
    ...(options.requestTimeoutMs === undefined ? [] : [`--request-timeout ${options.requestTimeoutMs}`]),
    ...(options.unsafeLocalReads ? ['--unsafe-local-reads'] : []),
    `--seed ${options.seed}`,
  ];
  return parts.join(' ');
}

export interface StoredClusterRun {
  readonly result: ClusterTestResult;
  readonly directory: string;
  readonly reportPath: string;
}

/** Stops `environment` and exits 130 on SIGINT/SIGTERM while a run is under way. */
function stopOnSignal(environment: () => ClusterEnvironment | undefined, io: CommandIo): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    io.stderr(`${signal}: stopping the cluster\n`);
    // The process-exit hooks of process-cluster and toxiproxy kill whatever this misses.
    void (environment()?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** Runs `options` (process, docker or external mode), stores it under `store`, prints where. */
export interface ClusterStoreContext {
  readonly store: string;
  readonly io: CommandIo;
  /** How members start (process or docker); external mode has none. */
  readonly launch: ClusterEnvironmentOptions | undefined;
  /** Progress for a caller that shows its own (test-all); default: a bar or lines on `io`. */
  readonly onProgress?: (progress: ClusterProgress) => void;
}

export async function runClusterAndStore(
  options: ClusterTestOptions,
  context: ClusterStoreContext,
): Promise<StoredClusterRun> {
  const { store, io, launch } = context;
  const startTime = new Date();
  let environment: ClusterEnvironment | undefined;
  let bar: Progress | undefined;
  const stopBar = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const release = stopOnSignal(() => environment, io);
  try {
    if (options.mode === 'external') {
      environment = externalEnvironment(options.endpoints ?? []);
    } else {
      if (launch === undefined) throw new Error(`${options.mode} mode needs a cluster launcher`);
      io.stdout(`starting Toxiproxy and ${options.nodes} ${options.db} members\n`);
      environment = await startClusterEnvironment(options, launch);
    }
    io.stdout(`clients: ${environment.clientAddresses.join(', ')}\n`);
    const name = clusterTestNameOf(options);
    // Made once the workload is done, so a run that fails earlier leaves no half directory.
    let directory = '';
    const started = environment;
    // A bar on a terminal (progress.ts), plain lines in logs and pipes.
    bar =
      context.onProgress === undefined && stdoutIsTerminal()
        ? createProgress({ total: options.timeLimitS, tty: true, write: io.stdout, unit: 's' })
        : undefined;
    const result = await runClusterTest(options, environment, {
      onProgress: (progress) => {
        if (context.onProgress !== undefined) {
          context.onProgress(progress);
          return;
        }
        const elapsedS = progress.elapsedMs / 1000;
        const current = [`${progress.events} history events, ${progress.faults} faults`];
        if (bar !== undefined) {
          bar.update({ done: Math.min(Math.floor(elapsedS), options.timeLimitS), current });
          return;
        }
        io.stdout(`  ${elapsedS.toFixed(1)}/${options.timeLimitS} s, ${current[0]}\n`);
      },
      afterWorkload: async () => {
        stopBar();
        // Members are not needed for checking: keep their logs and stop them first.
        directory = createRunDir(store, name, startTime);
        started.collectLogs(directory);
        await started.stop();
      },
    });
    io.stdout(
      `${result.opCount} operations, ${result.faultCount} faults in ${(result.wallMs / 1000).toFixed(1)} s, checked in ${result.checkMs.toFixed(0)} ms; history hash ${result.historyHash}\n`,
    );
    const testCommand = clusterTestCommandOf(options);
    const testJson = {
      name,
      mode: options.mode,
      sut: { name: options.mode === 'external' ? 'external' : options.db },
      db: options.db,
      ...runFieldsOf(options, startTime),
      // Real timing differs between runs: rerunning repeats the seed's operations and faults.
      replayCommand: testCommand,
      testCommand,
      ...(options.endpoints === undefined ? {} : { endpoints: options.endpoints }),
      ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
      historyHash: result.historyHash,
      opCount: result.opCount,
      faultCount: result.faultCount,
      wallMs: Math.round(result.wallMs),
      clusterOptions: options,
    };
    const { reportPath } = writeRun(store, directory, {
      testJson,
      historyJsonl: result.historyJsonl,
      results: result.results,
    });
    io.stdout(`verdict: ${verdictWord(result.results.valid)}\n`);
    io.stdout(`run dir: ${directory}\nreport: ${reportPath}\n`);
    io.stdout(`rerun: ${testCommand}\n`);
    return { result, directory, reportPath };
  } finally {
    stopBar();
    await environment?.stop();
    release();
  }
}
