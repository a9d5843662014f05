// One sim run from options to the store: run it with progress lines, write its
// directory (test.json with the seed, the replay command and the history hash;
// history.jsonl; results.json; report.html) and refresh the store's index. Shared by
// `test`, `test-all` and `replay`.

import type { Verdict } from '../checker/index.js';
import { type CommandIo, exitCodes } from './commands/command.js';
import { runSimTest, type SimTestOptions, type SimTestResult } from './run-sim.js';
import { createRunDir, writeRun } from './store.js';

export function testNameOf(options: SimTestOptions): string {
  const nemesis = options.nemesis.length === 0 ? 'none' : options.nemesis.join('+');
  return `sim-${options.workload}-${nemesis}`;
}

/** The `test` command line that reruns `options` exactly. */
export function testCommandOf(options: SimTestOptions): string {
  const parts = [
    'etcd-chaos test --mode sim',
    `--workload ${options.workload}`,
    `--nemesis ${options.nemesis.length === 0 ? 'none' : options.nemesis.join(',')}`,
    `--nodes ${options.nodes}`,
    `--time-limit ${options.timeLimitS}`,
    `--rate ${options.rate}`,
    `--concurrency ${options.concurrency}`,
    ...(options.intervalS === undefined ? [] : [`--interval ${options.intervalS}`]),
    ...(options.recoveryS === undefined ? [] : [`--recovery ${options.recoveryS}`]),
    ...(options.unsafeLocalReads ? ['--unsafe-local-reads'] : []),
    `--seed ${options.seed}`,
  ];
  return parts.join(' ');
}

export function exitCodeOfVerdict(verdict: Verdict): number {
  if (verdict === true) return exitCodes.valid;
  if (verdict === false) return exitCodes.invalid;
  return exitCodes.unknown;
}

export function verdictWord(verdict: Verdict): string {
  if (verdict === true) return 'VALID';
  if (verdict === false) return 'INVALID';
  return 'UNKNOWN';
}

/** Runs `options` printing progress lines; shared with replay. */
export async function runWithProgress(options: SimTestOptions, io: CommandIo): Promise<SimTestResult> {
  const wallStartMs = Date.now();
  const result = await runSimTest(options, (progress) => {
    io.stdout(
      `  virtual ${(progress.virtualTimeMs / 1000).toFixed(1)}/${options.timeLimitS} s, ${progress.events} history events, ${progress.faults} faults (${((Date.now() - wallStartMs) / 1000).toFixed(1)} s wall)\n`,
    );
  });
  io.stdout(
    `${result.opCount} operations, ${result.faultCount} faults, ${result.simEvents} simulator events, checked in ${result.checkMs.toFixed(0)} ms; history hash ${result.historyHash}\n`,
  );
  return result;
}

export interface StoredSimRun {
  readonly result: SimTestResult;
  readonly directory: string;
  readonly reportPath: string;
}

/** Runs `options` with progress lines, stores the run under `store`, prints where it went. */
export async function runSimAndStore(
  options: SimTestOptions,
  store: string,
  io: CommandIo,
): Promise<StoredSimRun> {
  const startTime = new Date();
  const result = await runWithProgress(options, io);
  const directory = createRunDir(store, testNameOf(options), startTime);
  const testJson = {
    name: testNameOf(options),
    mode: 'sim',
    sut: { name: 'etcd-ts' },
    workload: options.workload,
    nemesis: options.nemesis,
    nodes: options.nodes,
    timeLimitS: options.timeLimitS,
    rate: options.rate,
    concurrency: options.concurrency,
    seed: String(options.seed),
    startTime: startTime.toISOString(),
    timeUnit: 'ms',
    replayCommand: `etcd-chaos replay ${directory}`,
    testCommand: testCommandOf(options),
    historyHash: result.historyHash,
    opCount: result.opCount,
    faultCount: result.faultCount,
    simOptions: options,
  };
  const { reportPath } = writeRun(store, directory, {
    testJson,
    historyJsonl: result.historyJsonl,
    results: result.results,
  });
  io.stdout(`verdict: ${verdictWord(result.results.valid)}\n`);
  io.stdout(`run dir: ${directory}\nreport: ${reportPath}\n`);
  io.stdout(`replay: etcd-chaos replay ${directory}\n   or: ${testCommandOf(options)}\n`);
  return { result, directory, reportPath };
}
