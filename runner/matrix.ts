// The test-all matrix (Jepsen's `test-all`): the cross product of workloads and fault
// sets, each cell one sim run whose seed derives from the matrix seed, the workload and
// the fault set alone, so a cell keeps its seed when the matrix around it grows (a new
// nemesis in the registry adds cells without reseeding the others). Fault sets are
// `none`, each registered nemesis alone, `mixed` (every registered nemesis composed),
// or an explicit composition `a+b`. Read from the registries, so new workloads and
// nemeses join the default matrix with no change here.

import { createHash } from 'node:crypto';
import { nemeses } from '../nemesis/registry.js';
import { ConfigError } from '../server/config-error.js';
import { workloads } from '../workloads/registry.js';
import { type SimTestOptions, supportedWorkloads, validateSimOptions } from './run-sim.js';

/**
 * Default virtual seconds per run. Sim time is virtual, so a run's cost is its events
 * and its checker, not its length: at Jepsen's 200 ops/s, 20 s is 4,000 operations, and
 * a fault transition every 1.5 s in the 16 s before 4 s of healed recovery gives each
 * run about ten starts and stops, overlapping, each long enough for elections (1 s
 * timeouts) to happen inside it. Jepsen's runs are minutes long because real faults
 * take real time; ours do not, and 10 workloads x 9 fault sets must finish well inside
 * `npm run chaos`'s 3 minutes on 2 cores (measured: the matrix in about 50 s on an idle
 * machine). `--time-limit` runs longer.
 */
export const matrixTimeLimitSDefault = 20;
export const matrixIntervalSDefault = 1.5;
export const matrixRecoverySDefault = 4;
/** Cells one matrix may hold; a larger matrix is a typo, not a test plan. */
export const matrixRunsMax = 1_000;

export const mixedSet = 'mixed';
export const noneSet = 'none';

export interface MatrixOptions {
  /** Default: every workload in the registry but the demonstration ones. */
  readonly workloads?: readonly string[];
  /** Fault sets: `none`, a nemesis name, `mixed`, or `a+b`. Default: none, each nemesis, mixed. */
  readonly nemesisSets?: readonly string[];
  readonly seed: number;
  /** Default 3. */
  readonly nodes?: number;
  /** Default `matrixTimeLimitSDefault`. */
  readonly timeLimitS?: number;
  /** Default `matrixIntervalSDefault`. */
  readonly intervalS?: number;
  /** Default `matrixRecoverySDefault`, or half the time limit when that is shorter. */
  readonly recoveryS?: number;
  /** Default 200 ops/s (Jepsen's). */
  readonly rate?: number;
  /** Default 2 x nodes (Jepsen's). */
  readonly concurrency?: number;
  /**
   * Nemeses the system under test cannot take, with the reason (real etcd: clock and
   * disk): left out of the default fault sets and of `mixed`; naming one is an error.
   */
  readonly unsupportedNemeses?: ReadonlyMap<string, string>;
}

export interface MatrixRun {
  /** `workload/fault-set`, unique in the matrix. */
  readonly name: string;
  readonly workload: string;
  readonly nemesisSet: string;
  readonly options: SimTestOptions;
}

/**
 * A run's CPU cost relative to a register run, as measured on this suite's default
 * matrix (checker included): test-all starts the costliest runs first so that no long
 * run is left alone at the end while the other jobs idle (measured: mean wall time of
 * a warm run on the default matrix). Unlisted workloads count 2.
 */
const relativeCosts: Readonly<Record<string, number>> = {
  'lock-fencing': 0.5,
  lease: 0.8,
  register: 1,
  set: 1,
  watch: 1,
  kubernetes: 1.2,
  lock: 1.2,
  'lock-txn': 2,
  wr: 5,
  append: 6,
};

export function relativeCostOf(run: MatrixRun): number {
  return relativeCosts[run.workload] ?? 2;
}

/**
 * Registered workloads the default matrix leaves out. lock-hold exists to show that a
 * lease-based lock cannot keep mutual exclusion when its holder stalls past the lease
 * (the race Jepsen found in etcd's locks): under faults it is INVALID on etcd as on
 * etcd-ts, by design, and lock-fencing is its safe counterpart. Run it by name
 * (`--workloads lock-hold`) to see the race found.
 */
export const demonstrationWorkloads: ReadonlySet<string> = new Set(['lock-hold']);

export function defaultWorkloads(): string[] {
  return supportedWorkloads().filter((name) => !demonstrationWorkloads.has(name));
}

const noneUnsupported: ReadonlyMap<string, string> = new Map();

function supportedNemeses(unsupported: ReadonlyMap<string, string>): string[] {
  return [...nemeses.keys()].filter((name) => !unsupported.has(name));
}

export function defaultNemesisSets(unsupported = noneUnsupported): string[] {
  return [noneSet, ...supportedNemeses(unsupported), mixedSet];
}

/** The nemesis names a fault set composes. */
export function nemesesOfSet(set: string, unsupported = noneUnsupported): string[] {
  if (set === noneSet) return [];
  if (set === mixedSet) return supportedNemeses(unsupported);
  const names = set.split('+').map((name) => name.trim());
  for (const name of names) {
    if (!nemeses.has(name)) {
      throw new ConfigError(
        'nemesisSets',
        set,
        `${JSON.stringify(name)} is not a nemesis; known: ${[...nemeses.keys()].join(', ')}`,
      );
    }
    const reason = unsupported.get(name);
    if (reason !== undefined) throw new ConfigError('nemesisSets', set, reason);
  }
  return [...new Set(names)];
}

/** A run's seed: a hash of the matrix seed, workload and fault set, below 2^31. */
export function runSeedOf(matrixSeed: number, workload: string, nemesisSet: string): number {
  const digest = createHash('sha256').update(`${matrixSeed}/${workload}/${nemesisSet}`).digest();
  return digest.readUInt32BE(0) & 0x7fff_ffff;
}

/** Every cell of the matrix, in workload-major order; throws a ConfigError naming a bad field. */
export function matrixRuns(options: MatrixOptions): MatrixRun[] {
  const workloadNames = options.workloads ?? defaultWorkloads();
  const unsupported = options.unsupportedNemeses ?? noneUnsupported;
  const sets = options.nemesisSets ?? defaultNemesisSets(unsupported);
  if (workloadNames.length === 0) throw new ConfigError('workloads', '', 'name at least one workload');
  if (sets.length === 0) throw new ConfigError('nemesisSets', '', 'name at least one fault set');
  for (const name of workloadNames) {
    if (!workloads.has(name)) {
      throw new ConfigError('workload', name, `known: ${[...workloads.keys()].join(', ')}`);
    }
  }
  if (workloadNames.length * sets.length > matrixRunsMax) {
    throw new ConfigError('workloads', workloadNames.length, `the matrix would exceed ${matrixRunsMax} runs`);
  }
  const nodes = options.nodes ?? 3;
  const timeLimitS = options.timeLimitS ?? matrixTimeLimitSDefault;
  const recoveryS = options.recoveryS ?? Math.min(matrixRecoverySDefault, timeLimitS / 2);
  const runs: MatrixRun[] = [];
  for (const workload of new Set(workloadNames)) {
    for (const nemesisSet of new Set(sets)) {
      const runOptions: SimTestOptions = {
        workload,
        nemesis: nemesesOfSet(nemesisSet, unsupported),
        nodes,
        timeLimitS,
        rate: options.rate ?? 200,
        concurrency: options.concurrency ?? 2 * nodes,
        seed: runSeedOf(options.seed, workload, nemesisSet),
        intervalS: options.intervalS ?? matrixIntervalSDefault,
        recoveryS,
      };
      validateSimOptions(runOptions);
      runs.push({ name: `${workload}/${nemesisSet}`, workload, nemesisSet, options: runOptions });
    }
  }
  return runs;
}
