// `etcd-chaos test --mode sim|process|docker|external [--db etcd-ts|etcd] [--endpoints H:P,...]
// --workload W --nemesis N1,N2 --nodes 3 --time-limit 60 --rate 200 --concurrency 6
// --seed S [--interval 5] [--recovery 10] [--store DIR]`: one Jepsen-style run. Prints the
// seed first, progress lines, then the verdict, the run directory and how to rerun it.
// Exit 0 valid, 1 invalid, 2 unknown, 254 bad configuration (one line naming the option,
// before anything starts: also a missing Toxiproxy or etcd), 255 crash.

import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseNemesisNames } from '../../nemesis/schedule.js';
import { ConfigError } from '../../server/config-error.js';
import {
  dockerLauncher,
  dockerPrerequisiteProblem,
  processLauncher,
  processPrerequisiteProblem,
} from '../process-prerequisites.js';
import { type ClusterTestOptions, validateClusterOptions } from '../run-cluster.js';
import { runClusterAndStore } from '../run-cluster-store.js';
import { externalKeyPrefixOf, parseEndpoints } from '../run-external.js';
import { type SimTestOptions, validateSimOptions } from '../run-sim.js';
import { exitCodeOfVerdict, runSimAndStore } from '../sim-run-store.js';
import { type Command, UsageError } from './command.js';

const usage =
  'usage: etcd-chaos test [--mode sim|process|docker|external] [--db etcd-ts|etcd] [--endpoints H:P,...] [--workload W] [--nemesis N1,N2] [--nodes 3] [--time-limit S] [--rate R] [--concurrency C] [--seed S] [--interval S] [--recovery S] [--request-timeout MS] [--store DIR] [--unsafe-local-reads]';

/** The command-line option behind each options field, for error messages. */
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
  endpoints: '--endpoints',
  unsafeLocalReads: '--unsafe-local-reads',
  db: '--db',
  requestTimeoutMs: '--request-timeout',
};

export const storeDefault = 'store';

export type TestArgs =
  | { readonly mode: 'sim'; readonly options: SimTestOptions; readonly store: string }
  | {
      readonly mode: 'process' | 'docker' | 'external';
      readonly options: ClusterTestOptions;
      readonly store: string;
    };

function numberOption(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  return value.trim() === '' ? Number.NaN : Number(value);
}

function usageErrorOf(error: unknown): unknown {
  if (error instanceof ConfigError)
    return new UsageError(`${flagOf[error.field] ?? error.field}: ${error.message}`);
  return error;
}

interface ParsedValues {
  readonly values: Record<string, string | undefined>;
  readonly unsafeLocalReads: boolean;
}

function parseValues(args: string[]): ParsedValues {
  try {
    const parsed = parseArgs({
      args,
      options: {
        mode: { type: 'string', default: 'sim' },
        db: { type: 'string', default: 'etcd-ts' },
        endpoints: { type: 'string' },
        workload: { type: 'string', default: 'register' },
        nemesis: { type: 'string', default: 'none' },
        nodes: { type: 'string' },
        'time-limit': { type: 'string', default: '60' },
        rate: { type: 'string', default: '200' },
        concurrency: { type: 'string' },
        seed: { type: 'string' },
        interval: { type: 'string' },
        recovery: { type: 'string' },
        'request-timeout': { type: 'string' },
        store: { type: 'string', default: storeDefault },
        'unsafe-local-reads': { type: 'boolean', default: false },
      },
    });
    return {
      values: parsed.values as unknown as Record<string, string | undefined>,
      unsafeLocalReads: parsed.values['unsafe-local-reads'] === true,
    };
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

export function parseTestArgs(args: string[]): TestArgs {
  const { values, unsafeLocalReads } = parseValues(args);
  const mode = values.mode;
  if (mode !== 'sim' && mode !== 'process' && mode !== 'docker' && mode !== 'external') {
    throw new UsageError(`--mode ${mode}: it must be sim, process, docker or external`);
  }
  const db = values.db;
  if (db !== 'etcd-ts' && db !== 'etcd') throw new UsageError(`--db ${db}: it must be etcd-ts or etcd`);
  if (mode !== 'external' && values.endpoints !== undefined) {
    throw new UsageError(`--endpoints: only external mode takes endpoints (this is --mode ${mode})`);
  }
  const endpoints = mode === 'external' ? parseEndpoints(values.endpoints ?? '') : undefined;
  const nodes = numberOption(values.nodes, endpoints?.length ?? 3);
  const common = {
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
  const store = values.store ?? storeDefault;
  try {
    if (mode === 'sim') {
      if (values['request-timeout'] !== undefined) {
        throw new UsageError("--request-timeout: sim runs use the simulated clients' own timeout");
      }
      if (db !== 'etcd-ts') throw new UsageError(`--db ${db}: sim mode runs etcd-ts only`);
      validateSimOptions(common);
      return { mode, options: common, store };
    }
    const options: ClusterTestOptions = {
      ...common,
      mode,
      db,
      ...(endpoints === undefined ? {} : { endpoints, keyPrefix: externalKeyPrefixOf(new Date()) }),
      ...(values['request-timeout'] === undefined
        ? {}
        : { requestTimeoutMs: numberOption(values['request-timeout'], 5000) }),
    };
    validateClusterOptions(options);
    return { mode, options, store };
  } catch (error) {
    throw usageErrorOf(error);
  }
}

const unsafeWarning =
  'WARNING: --unsafe-local-reads plants a bug: members serve linearizable reads without ReadIndex and MAY RETURN STALE DATA.\n';

export const testCommand: Command = {
  summary: 'run one Jepsen-style test (sim, process, docker or external mode) and store it',
  async run(rawArgs, io) {
    const parsed = parseTestArgs(rawArgs);
    if (parsed.mode === 'process' || parsed.mode === 'docker') {
      const problem =
        parsed.mode === 'process' ? processPrerequisiteProblem(parsed.options) : dockerPrerequisiteProblem();
      if (problem !== undefined) throw new UsageError(problem);
    }
    const { options, store } = parsed;
    io.stdout(`seed ${options.seed}\n`);
    if (options.unsafeLocalReads) io.stdout(unsafeWarning);
    const faults = options.nemesis.join(',') || 'no faults';
    if (parsed.mode === 'sim') {
      io.stdout(
        `sim: ${options.workload} under ${faults} on ${options.nodes} nodes, ${options.timeLimitS} s, ${options.rate} ops/s, concurrency ${options.concurrency}\n`,
      );
      const { result } = await runSimAndStore(parsed.options, store, io);
      return exitCodeOfVerdict(result.results.valid);
    }
    const cluster = parsed.options;
    if (parsed.mode === 'external') {
      io.stdout(
        `external: ${(cluster.endpoints ?? []).join(',')}; every key under prefix ${cluster.keyPrefix}\n`,
      );
    }
    io.stdout(
      `${parsed.mode}: ${options.workload} under ${faults} on ${options.nodes} ${parsed.mode === 'external' ? 'endpoints' : cluster.db} nodes, ${options.timeLimitS} s, ${options.rate} ops/s, concurrency ${options.concurrency}\n`,
    );
    const launcher =
      parsed.mode === 'process' ? processLauncher() : parsed.mode === 'docker' ? dockerLauncher() : undefined;
    const { result } = await runClusterAndStore(cluster, { store, io, launch: launcher });
    return exitCodeOfVerdict(result.results.valid);
  },
};
