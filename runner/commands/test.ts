// `etcd-chaos test --mode sim --workload W --nemesis N1,N2 --nodes 3 --time-limit 60
// --rate 200 --concurrency 6 --seed S [--interval 5] [--recovery 10] [--store DIR]`:
// one Jepsen-style run. Prints the seed first, progress lines, then the verdict, the run
// directory and the replay command. Exit 0 valid, 1 invalid, 2 unknown, 254 bad
// configuration (one line naming the option, before anything starts), 255 crash.

import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseNemesisNames } from '../../nemesis/schedule.js';
import { ConfigError } from '../../server/config-error.js';
import { type SimTestOptions, validateSimOptions } from '../run-sim.js';
import { exitCodeOfVerdict, runSimAndStore } from '../sim-run-store.js';
import { type Command, UsageError } from './command.js';

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
    const { result } = await runSimAndStore(options, store, io);
    return exitCodeOfVerdict(result.results.valid);
  },
};
