// `etcd-chaos test --mode sim --workload W --nemesis N1,N2 --nodes 3 --time-limit 60
// --rate 200 --concurrency 6 --seed S [--interval 5] [--recovery 10] [--store DIR]`:
// one Jepsen-style run. Prints the seed first, progress lines, then the verdict, the run
// directory and the replay command. Exit 0 valid, 1 invalid, 2 unknown, 254 bad
// configuration (one line naming the option, before anything starts), 255 crash.

import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Verdict } from '../../checker/index.js';
import { parseNemesisNames } from '../../nemesis/schedule.js';
import { ConfigError } from '../../server/config-error.js';
import { runSimTest, type SimTestOptions, type SimTestResult, validateSimOptions } from '../run-sim.js';
import { createRunDir, writeRun } from '../store.js';
import { type Command, type CommandIo, exitCodes, UsageError } from './command.js';

const usage =
  'usage: etcd-chaos test --mode sim [--workload W] [--nemesis N1,N2] [--nodes 3] [--time-limit S] [--rate R] [--concurrency C] [--seed S] [--interval S] [--recovery S] [--store DIR]';

/** The command-line option behind each SimTestOptions field, for error messages. */
const flagOf: Record<string, string> = {
  workload: '--workload',
  nemesis: '--nemesis',
  nodes: '--nodes',
  timeLimitS: '--time-limit',
  rate: '--rate',
  concurrency: '--concurrency',
  seed: '--seed',
  intervalS: '--interval',
  recoveryS: '--recovery',
};

export const storeDefault = 'store';

export interface TestArgs {
  readonly options: SimTestOptions;
  readonly store: string;
}

function numberOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return value.trim() === '' ? Number.NaN : Number(value);
}

export function parseTestArgs(args: string[]): TestArgs {
  let values: Record<string, string | undefined>;
  let unsafeLocalReads = false;
  try {
    const parsed = parseArgs({
      args,
      options: {
        mode: { type: 'string', default: 'sim' },
        db: { type: 'string', default: 'etcd-ts' },
        workload: { type: 'string', default: 'register' },
        nemesis: { type: 'string', default: 'none' },
        nodes: { type: 'string', default: '3' },
        'time-limit': { type: 'string', default: '60' },
        rate: { type: 'string', default: '200' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        interval: { type: 'string' },
        recovery: { type: 'string' },
        store: { type: 'string', default: storeDefault },
        'unsafe-local-reads': { type: 'boolean', default: false },
      },
    });
    values = parsed.values as unknown as Record<string, string | undefined>;
    unsafeLocalReads = parsed.values['unsafe-local-reads'] === true;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (values.mode !== 'sim') {
    throw new UsageError(`--mode ${values.mode}: only sim mode is available in this build`);
  }
  if (values.db !== 'etcd-ts') throw new UsageError(`--db ${values.db}: sim mode runs etcd-ts only`);
  const nodes = numberOption(values.nodes, 3);
  const options: SimTestOptions = {
    workload: values.workload ?? 'register',
    nemesis: parseNemesisNames(values.nemesis ?? 'none'),
    nodes,
    timeLimitS: numberOption(values['time-limit'], 60),
    rate: numberOption(values.rate, 200),
    concurrency: numberOption(values.concurrency, 2 * nodes),
    seed: numberOption(values.seed, randomInt(0, 2 ** 31)),
    ...(values.interval === undefined ? {} : { intervalS: numberOption(values.interval, 5) }),
    ...(values.recovery === undefined ? {} : { recoveryS: numberOption(values.recovery, 10) }),
    ...(unsafeLocalReads ? { unsafeLocalReads: true } : {}),
  };
  try {
    validateSimOptions(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new UsageError(`${flagOf[error.field] ?? error.field}: ${error.message}`);
    }
    throw error;
  }
  return { options, store: values.store ?? storeDefault };
}

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

export const testCommand: Command = {
  summary: 'run one Jepsen-style test (sim mode) and store it',
  async run(rawArgs, io) {
    const { options, store } = parseTestArgs(rawArgs);
    io.stdout(`seed ${options.seed}\n`);
    if (options.unsafeLocalReads) {
      io.stdout(
        'WARNING: --unsafe-local-reads plants a bug: members serve linearizable reads without ReadIndex and MAY RETURN STALE DATA.\n',
      );
    }
    io.stdout(
      `sim: ${options.workload} under ${options.nemesis.join(',') || 'no faults'} on ${options.nodes} nodes, ${options.timeLimitS} s, ${options.rate} ops/s, concurrency ${options.concurrency}\n`,
    );
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
    return exitCodeOfVerdict(result.results.valid);
  },
};
