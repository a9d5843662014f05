// One sim run from options to the store: run it with progress lines, write its
// directory (test.json with the seed, the replay command and the history hash;
// history.jsonl; results.json; report.html) and refresh the store's index. Shared by
// `test`, `test-all` and `replay`.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Verdict } from '../checker/index.js';
import { writeRunReport } from '../reports/index.js';
import { type CommandIo, exitCodes } from './commands/command.js';
import { createProgress, stdoutIsTerminal } from './progress.js';
import { runFieldsOf } from './run-options.js';
import { runSimTest, type SimProgress, type SimTestOptions, type SimTestResult } from './run-sim.js';
import { createRunDir, type StoredRun, writeRun } from './store.js';

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

/** Runs `options` printing progress lines (or handing them to `onProgress`); shared with replay. */
export async function runWithProgress(
  options: SimTestOptions,
  io: CommandIo,
  onProgress?: (progress: SimProgress) => void,
): Promise<SimTestResult> {
  const wallStartMs = Date.now();
  // On a terminal a bar over virtual time; elsewhere a line per progress period.
  const bar =
    onProgress === undefined && stdoutIsTerminal()
      ? createProgress({ total: options.timeLimitS, tty: true, write: io.stdout, unit: 's virtual' })
      : undefined;
  let result: SimTestResult;
  try {
    result = await runSimTest(options, (progress) => {
      if (onProgress !== undefined) return onProgress(progress);
      const virtualS = progress.virtualTimeMs / 1000;
      if (bar !== undefined) {
        const current = [`${progress.events} history events, ${progress.faults} faults`];
        return bar.update({ done: Math.min(Math.floor(virtualS), options.timeLimitS), current });
      }
      io.stdout(
        `  virtual ${virtualS.toFixed(1)}/${options.timeLimitS} s, ${progress.events} history events, ${progress.faults} faults (${((Date.now() - wallStartMs) / 1000).toFixed(1)} s wall)\n`,
      );
    });
  } finally {
    bar?.stop();
  }
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
export function runSimAndStore(options: SimTestOptions, store: string, io: CommandIo): Promise<StoredSimRun> {
  return storeSimRun(options, { store, io });
}

export interface StoreSimRunContext {
  readonly store: string;
  readonly io: CommandIo;
  /** Receives progress instead of `io` printing progress lines (test-all's workers). */
  readonly onProgress?: (progress: SimProgress) => void;
  /**
   * Rewrite store/index.html after storing the run. Default true. test-all renders the
   * index once at its end instead: the index reads every run in the store, so one
   * refresh per run would cost the matrix time quadratic in the store's size.
   */
  readonly refreshIndex?: boolean;
}

/** writeRun without the index refresh: the run's files and its report. */
function writeRunOnly(directory: string, run: StoredRun): { reportPath: string } {
  // `wx`, as writeRun: fail rather than overwrite.
  writeFileSync(join(directory, 'test.json'), `${JSON.stringify(run.testJson, null, 2)}\n`, { flag: 'wx' });
  writeFileSync(join(directory, 'history.jsonl'), run.historyJsonl, { flag: 'wx' });
  writeFileSync(join(directory, 'results.json'), `${JSON.stringify(run.results)}\n`, { flag: 'wx' });
  return { reportPath: writeRunReport(directory).path };
}

/** `runSimAndStore` with its context spelled out: where progress goes, which store. */
export async function storeSimRun(
  options: SimTestOptions,
  context: StoreSimRunContext,
): Promise<StoredSimRun> {
  const { store, io } = context;
  const startTime = new Date();
  const result = await runWithProgress(options, io, context.onProgress);
  const directory = createRunDir(store, testNameOf(options), startTime);
  const testJson = {
    name: testNameOf(options),
    mode: 'sim',
    sut: { name: 'etcd-ts' },
    ...runFieldsOf(options, startTime),
    replayCommand: `etcd-chaos replay ${directory}`,
    testCommand: testCommandOf(options),
    historyHash: result.historyHash,
    opCount: result.opCount,
    faultCount: result.faultCount,
    simOptions: options,
  };
  const run: StoredRun = { testJson, historyJsonl: result.historyJsonl, results: result.results };
  const { reportPath } =
    context.refreshIndex === false ? writeRunOnly(directory, run) : writeRun(store, directory, run);
  io.stdout(`verdict: ${verdictWord(result.results.valid)}\n`);
  io.stdout(`run dir: ${directory}\nreport: ${reportPath}\n`);
  io.stdout(`replay: etcd-chaos replay ${directory}\n   or: ${testCommandOf(options)}\n`);
  return { result, directory, reportPath };
}
