// `etcd-chaos test-all [--mode sim|process|docker] [--db etcd-ts|etcd] [--workloads a,b]
// [--nemeses none,partition,mixed] [--time-limit S] [--nodes 3] [--seed S] [--jobs N]
// [--store DIR]`: Jepsen's test-all, every workload under every fault set
// (runner/matrix.ts), each stored exactly as `etcd-chaos test` stores it. Sim runs go
// `--jobs` at a time in child processes; process and docker runs one at a time, each on
// its own cluster with Toxiproxy (matrix-cluster-executor.ts). Prints the matrix
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
import { type ClusterMatrixTarget, clusterExecutor, clusterOptionsOf } from '../matrix-cluster-executor.js';
import {
  childEntryPath,
  childProcessExecutor,
  inProcessExecutor,
  type MatrixExecutor,
  type MatrixRunOutcome,
  quietIo,
} from '../matrix-executor.js';
import { dockerPrerequisiteProblem, processPrerequisiteProblem } from '../process-prerequisites.js';
import { createProgress, type Progress, stdoutIsTerminal } from '../progress.js';
import { unsupportedOnRealEtcd, validateClusterOptions } from '../run-cluster.js';
import { clusterTestCommandOf } from '../run-cluster-store.js';
import { testCommandOf, verdictWord } from '../sim-run-store.js';
import { type Command, type CommandIo, exitCodes, UsageError } from './command.js';
import { storeDefault } from './test.js';

const usage =
  'usage: etcd-chaos test-all [--mode sim|process|docker] [--db etcd-ts|etcd] [--workloads a,b] [--nemeses none,partition,mixed] [--time-limit S] [--interval S] [--nodes 3] [--seed S] [--jobs N] [--store DIR]';

/**
 * Real-cluster matrix defaults: real faults take real time, so a run is Jepsen's 5 s
 * between faults over 30 s with 10 s of healed recovery (a full default matrix on
 * etcd-ts is 90 runs, about an hour).
 */
export const clusterTimeLimitSDefault = 30;
export const clusterIntervalSDefault = 5;
export const clusterRecoverySDefault = 10;

/** Parallel runs at most; each is a process of its own. */
export const jobsMax = 64;

export interface TestAllArgs {
  readonly matrix: MatrixOptions;
  readonly jobs: number;
  readonly store: string;
  /** Absent for sim mode. */
  readonly cluster?: ClusterMatrixTarget;
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
        db: { type: 'string', default: 'etcd-ts' },
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
  const cluster = clusterTargetOf(values.mode, values.db);
  const jobs = numberOf('--jobs', values.jobs) ?? (cluster === undefined ? availableParallelism() : 1);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > jobsMax) {
    throw new UsageError(`--jobs: ${jobs} must be an integer from 1 to ${jobsMax}`);
  }
  if (cluster !== undefined && jobs !== 1) {
    throw new UsageError(
      `--jobs ${jobs}: ${cluster.mode} runs go one at a time (two clusters at once would trip each other's timeouts)`,
    );
  }
  const workloads = listOf(values.workloads);
  const nemesisSets = listOf(values.nemeses);
  const nodes = numberOf('--nodes', values.nodes);
  const timeLimitS =
    numberOf('--time-limit', values['time-limit']) ??
    (cluster === undefined ? undefined : clusterTimeLimitSDefault);
  const intervalS =
    numberOf('--interval', values.interval) ?? (cluster === undefined ? undefined : clusterIntervalSDefault);
  const recoveryS =
    cluster === undefined || timeLimitS === undefined
      ? undefined
      : Math.min(clusterRecoverySDefault, timeLimitS / 2);
  const matrix: MatrixOptions = {
    seed: numberOf('--seed', values.seed) ?? randomInt(0, 2 ** 31),
    ...(workloads === undefined ? {} : { workloads }),
    ...(nemesisSets === undefined ? {} : { nemesisSets }),
    ...(nodes === undefined ? {} : { nodes }),
    ...(timeLimitS === undefined ? {} : { timeLimitS }),
    ...(intervalS === undefined ? {} : { intervalS }),
    ...(recoveryS === undefined ? {} : { recoveryS }),
    ...(cluster?.db === 'etcd' ? { unsupportedNemeses: unsupportedOnRealEtcd } : {}),
  };
  if (!Number.isSafeInteger(matrix.seed) || matrix.seed < 0) {
    throw new UsageError(`--seed: ${matrix.seed} must be a non-negative integer`);
  }
  try {
    const runs = matrixRuns(matrix);
    if (cluster !== undefined) for (const run of runs) validateClusterOptions(clusterOptionsOf(run, cluster));
  } catch (error) {
    if (error instanceof ConfigError)
      throw new UsageError(`${flagOf[error.field] ?? error.field}: ${error.message}`);
    throw error;
  }
  return { matrix, jobs, store: values.store ?? storeDefault, ...(cluster === undefined ? {} : { cluster }) };
}

function clusterTargetOf(mode: string | undefined, db: string | undefined): ClusterMatrixTarget | undefined {
  if (db !== 'etcd-ts' && db !== 'etcd') throw new UsageError(`--db ${db}: it must be etcd-ts or etcd`);
  if (mode === 'sim') {
    if (db !== 'etcd-ts') throw new UsageError(`--db ${db}: sim mode runs etcd-ts only`);
    return undefined;
  }
  if (mode === 'process' || mode === 'docker') return { mode, db };
  throw new UsageError(
    `--mode ${mode}: test-all runs sim, process or docker (external mode runs one test against a cluster it does not control)`,
  );
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

function printReplays(
  finished: readonly FinishedRun[],
  io: CommandIo,
  cluster: ClusterMatrixTarget | undefined,
): void {
  if (cluster !== undefined) {
    // Real timing differs between runs: a rerun repeats the seed's operations and faults.
    for (const { run, outcome } of finished) {
      if (outcome.type === 'done' && outcome.summary.verdict === true) continue;
      const rerun =
        outcome.type === 'done'
          ? outcome.summary.testCommand
          : clusterTestCommandOf(clusterOptionsOf(run, cluster));
      io.stdout(`${run.name} ${verdictOf(outcome)}: rerun: ${rerun}\n`);
    }
    return;
  }
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
    summary: 'run every workload under every fault set (sim, process or docker mode) and store each run',
    async run(rawArgs, io) {
      const { matrix, jobs, store, cluster } = parseTestAllArgs(rawArgs);
      const runs = matrixRuns(matrix);
      const first = runs[0]!.options;
      if (cluster !== undefined && dependencies.createExecutor === undefined) {
        const problem =
          cluster.mode === 'process'
            ? processPrerequisiteProblem(clusterOptionsOf(runs[0]!, cluster))
            : dockerPrerequisiteProblem();
        if (problem !== undefined) throw new UsageError(problem);
      }
      io.stdout(`matrix seed ${matrix.seed}\n`);
      const shape = `(${new Set(runs.map((run) => run.workload)).size} workloads x ${new Set(runs.map((run) => run.nemesisSet)).size} fault sets)`;
      io.stdout(
        cluster === undefined
          ? `test-all: ${runs.length} sim runs ${shape}, ${first.timeLimitS} s virtual each, ${first.nodes} nodes, ${jobs} jobs, store ${store}\n`
          : `test-all: ${runs.length} ${cluster.mode} runs ${shape} on ${first.nodes} ${cluster.db} members, ${first.timeLimitS} s each, one at a time, store ${store}\n`,
      );
      const entry = childEntryPath();
      const createExecutor =
        dependencies.createExecutor ??
        ((directory: string) =>
          cluster !== undefined
            ? clusterExecutor(directory, { target: cluster, io: quietIo })
            : jobs > 1 && entry !== undefined
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
      printReplays(finished, io, cluster);
      io.stdout(`index: ${indexPath}\n`);
      io.stdout(overallLine(finished, Date.now() - startMs));
      return exitCodeOfMatrix(finished);
    },
  };
}

export const testAllCommand: Command = createTestAllCommand();
