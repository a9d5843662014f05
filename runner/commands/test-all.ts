// `etcd-chaos test-all [--mode sim] [--workloads a,b] [--nemeses none,partition,mixed]
// [--time-limit S] [--nodes 3] [--seed S] [--jobs N] [--store DIR]`: Jepsen's test-all,
// every workload under every fault set (runner/matrix.ts), `--jobs` runs at a time in
// child processes, each stored exactly as `etcd-chaos test` stores it. Prints the matrix
// seed first, progress (a bar on a terminal, lines otherwise), then a summary table
// with each run's verdict, ops, faults, wall time and directory, the replay commands of
// runs that were not valid, and an overall line. Exit 0 all valid, 1 any invalid, 2 any
// unknown or crashed (none invalid), 254 bad arguments.

import { randomInt } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { renderStore } from '../../reports/index.js';
import { ConfigError } from '../../server/config-error.js';
import { type MatrixOptions, type MatrixRun, matrixRuns, relativeCostOf } from '../matrix.js';
import {
  childEntryPath,
  childProcessExecutor,
  inProcessExecutor,
  type MatrixExecutor,
  type MatrixRunOutcome,
} from '../matrix-executor.js';
import { createProgress, type Progress, stdoutIsTerminal } from '../progress.js';
import { testCommandOf, verdictWord } from '../sim-run-store.js';
import { type Command, type CommandIo, exitCodes, UsageError } from './command.js';
import { storeDefault } from './test.js';

const usage =
  'usage: etcd-chaos test-all [--mode sim] [--workloads a,b] [--nemeses none,partition,mixed] [--time-limit S] [--interval S] [--nodes 3] [--seed S] [--jobs N] [--store DIR]';

/** Parallel runs at most; each is a process of its own. */
export const jobsMax = 64;

export interface TestAllArgs {
  readonly matrix: MatrixOptions;
  readonly jobs: number;
  readonly store: string;
}

function numberOf(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is not a number`);
  return parsed;
}

function listOf(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
}

/** The command-line flag behind a ConfigError field. */
const flagOf: Record<string, string> = {
  workload: '--workloads',
  workloads: '--workloads',
  nemesis: '--nemeses',
  nemesisSets: '--nemeses',
  nodes: '--nodes',
  timeLimitS: '--time-limit',
  intervalS: '--interval',
  recoveryS: '--time-limit',
  seed: '--seed',
};

export function parseTestAllArgs(args: string[]): TestAllArgs {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args,
      options: {
        mode: { type: 'string', default: 'sim' },
        workloads: { type: 'string' },
        nemeses: { type: 'string' },
        'time-limit': { type: 'string' },
        interval: { type: 'string' },
        nodes: { type: 'string' },
        seed: { type: 'string' },
        jobs: { type: 'string' },
        store: { type: 'string', default: storeDefault },
      },
    }).values as Record<string, string | undefined>;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (values.mode !== 'sim') throw new UsageError(`--mode ${values.mode}: test-all runs sim mode only`);
  const jobs = numberOf('--jobs', values.jobs) ?? availableParallelism();
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > jobsMax) {
    throw new UsageError(`--jobs: ${jobs} must be an integer from 1 to ${jobsMax}`);
  }
  const workloads = listOf(values.workloads);
  const nemesisSets = listOf(values.nemeses);
  const nodes = numberOf('--nodes', values.nodes);
  const timeLimitS = numberOf('--time-limit', values['time-limit']);
  const intervalS = numberOf('--interval', values.interval);
  const matrix: MatrixOptions = {
    seed: numberOf('--seed', values.seed) ?? randomInt(0, 2 ** 31),
    ...(workloads === undefined ? {} : { workloads }),
    ...(nemesisSets === undefined ? {} : { nemesisSets }),
    ...(nodes === undefined ? {} : { nodes }),
    ...(timeLimitS === undefined ? {} : { timeLimitS }),
    ...(intervalS === undefined ? {} : { intervalS }),
  };
  if (!Number.isSafeInteger(matrix.seed) || matrix.seed < 0) {
    throw new UsageError(`--seed: ${matrix.seed} must be a non-negative integer`);
  }
  try {
    matrixRuns(matrix);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`${flagOf[error.field] ?? error.field}: ${error.message}`);
    throw error;
  }
  return { matrix, jobs, store: values.store ?? storeDefault };
}

export interface FinishedRun {
  readonly run: MatrixRun;
  readonly outcome: MatrixRunOutcome;
}

/** Runs `runs` on `executors` (one run each at a time); the result is in matrix order. */
export async function runMatrix(
  runs: readonly MatrixRun[],
  context: { executors: readonly MatrixExecutor[]; progress: Progress },
): Promise<FinishedRun[]> {
  const finished: FinishedRun[] = new Array(runs.length);
  const running = new Map<string, string>();
  // Costliest first (longest-processing-time scheduling); ties keep matrix order.
  const startOrder = runs
    .map((run, index) => ({ index, cost: relativeCostOf(run) }))
    .sort((left, right) => right.cost - left.cost || left.index - right.index)
    .map((entry) => entry.index);
  let next = 0;
  let done = 0;
  const report = (): void => context.progress.update({ done, current: [...running.values()] });
  const lane = async (executor: MatrixExecutor): Promise<void> => {
    while (next < runs.length) {
      const index = startOrder[next++]!;
      const run = runs[index]!;
      running.set(run.name, run.name);
      report();
      const outcome = await executor.run(run, (progress) => {
        running.set(run.name, `${run.name} ${(progress.virtualTimeMs / 1000).toFixed(0)}s`);
        report();
      });
      running.delete(run.name);
      done++;
      finished[index] = { run, outcome };
      context.progress.finished(finishedLine({ run, outcome }, { done, total: runs.length }));
      report();
    }
  };
  await Promise.all(context.executors.map(lane));
  return finished;
}

function verdictOf(outcome: MatrixRunOutcome): string {
  return outcome.type === 'done' ? verdictWord(outcome.summary.verdict) : 'CRASHED';
}

function finishedLine(finished: FinishedRun, count: { done: number; total: number }): string {
  const { run, outcome } = finished;
  const wall = `${(outcome.wallMs / 1000).toFixed(1)} s`;
  const detail =
    outcome.type === 'done'
      ? `${outcome.summary.opCount} ops, ${outcome.summary.faultCount} faults, ${wall}`
      : `${outcome.message} (${wall})`;
  return `[${count.done}/${count.total}] ${run.name}: ${verdictOf(outcome)}, ${detail}`;
}

/** The summary table: one row per run, columns padded to their widest cell. */
export function summaryTable(finished: readonly FinishedRun[]): string {
  const header = ['run', 'verdict', 'seed', 'ops', 'faults', 'wall s', 'run dir'];
  const rows = finished.map(({ run, outcome }) => [
    run.name,
    verdictOf(outcome),
    String(run.options.seed),
    outcome.type === 'done' ? String(outcome.summary.opCount) : '-',
    outcome.type === 'done' ? String(outcome.summary.faultCount) : '-',
    (outcome.wallMs / 1000).toFixed(1),
    outcome.type === 'done' ? outcome.summary.directory : outcome.message,
  ]);
  const widths = header.map((cell, column) =>
    Math.max(cell.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ');
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** 1 if any run is invalid, else 2 if any is unknown or crashed, else 0. */
export function exitCodeOfMatrix(finished: readonly FinishedRun[]): number {
  const verdicts = finished.map(({ outcome }) =>
    outcome.type === 'done' ? outcome.summary.verdict : 'unknown',
  );
  if (verdicts.includes(false)) return exitCodes.invalid;
  if (verdicts.some((verdict) => verdict !== true)) return exitCodes.unknown;
  return exitCodes.valid;
}

function overallLine(finished: readonly FinishedRun[], wallMs: number): string {
  const count = (word: string): number =>
    finished.filter(({ outcome }) => verdictOf(outcome) === word).length;
  const parts = [`${count('VALID')} valid`, `${count('INVALID')} invalid`, `${count('UNKNOWN')} unknown`];
  if (count('CRASHED') > 0) parts.push(`${count('CRASHED')} crashed`);
  const code = exitCodeOfMatrix(finished);
  const word = code === exitCodes.valid ? 'VALID' : code === exitCodes.invalid ? 'INVALID' : 'UNKNOWN';
  return `overall: ${word} — ${finished.length} runs: ${parts.join(', ')} in ${(wallMs / 1000).toFixed(1)} s wall\n`;
}

function printReplays(finished: readonly FinishedRun[], io: CommandIo): void {
  io.stdout(
    'replay a run: etcd-chaos replay <run dir> (same seed, same config, compares the history hash)\n',
  );
  const notValid = finished.filter(
    ({ outcome }) => outcome.type !== 'done' || outcome.summary.verdict !== true,
  );
  for (const { run, outcome } of notValid) {
    const replay =
      outcome.type === 'done'
        ? `etcd-chaos replay ${outcome.summary.directory}\n    or: ${outcome.summary.testCommand}`
        : testCommandOf(run.options);
    io.stdout(`${run.name} ${verdictOf(outcome)}: replay: ${replay}\n`);
  }
}

export interface TestAllDependencies {
  /** Executors per job; default: forked children when compiled, else in-process. */
  readonly createExecutor?: (store: string) => MatrixExecutor;
  readonly tty?: boolean;
}

/** The command, with where runs execute injectable for tests. */
export function createTestAllCommand(dependencies: TestAllDependencies = {}): Command {
  return {
    summary: 'run every workload under every fault set (sim mode) and store each run',
    async run(rawArgs, io) {
      const { matrix, jobs, store } = parseTestAllArgs(rawArgs);
      const runs = matrixRuns(matrix);
      const first = runs[0]!.options;
      io.stdout(`matrix seed ${matrix.seed}\n`);
      io.stdout(
        `test-all: ${runs.length} sim runs (${new Set(runs.map((run) => run.workload)).size} workloads x ${new Set(runs.map((run) => run.nemesisSet)).size} fault sets), ${first.timeLimitS} s virtual each, ${first.nodes} nodes, ${jobs} jobs, store ${store}\n`,
      );
      const entry = childEntryPath();
      const createExecutor =
        dependencies.createExecutor ??
        ((directory: string) =>
          jobs > 1 && entry !== undefined
            ? childProcessExecutor(directory, entry)
            : inProcessExecutor(directory));
      const executors = Array.from({ length: Math.min(jobs, runs.length) }, () => createExecutor(store));
      const tty = dependencies.tty ?? stdoutIsTerminal();
      const progress = createProgress({ total: runs.length, tty, write: io.stdout });
      const startMs = Date.now();
      let finished: FinishedRun[];
      try {
        finished = await runMatrix(runs, { executors, progress });
      } finally {
        progress.stop();
        for (const executor of executors) executor.close();
      }
      const { indexPath } = renderStore(store);
      io.stdout(`\n${summaryTable(finished)}`);
      printReplays(finished, io);
      io.stdout(`index: ${indexPath}\n`);
      io.stdout(overallLine(finished, Date.now() - startMs));
      return exitCodeOfMatrix(finished);
    },
  };
}

export const testAllCommand: Command = createTestAllCommand();
