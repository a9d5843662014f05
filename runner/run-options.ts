// What every test run is, whatever runs the members (Jepsen's test map): the workload,
// the faults, the cluster's size, how long and how hard, and the seed. Sim runs
// (run-sim.ts) and real-cluster runs (run-cluster.ts) extend it with their own knobs.

export interface RunOptions {
  readonly workload: string;
  /** Nemesis names (`[]` for none). */
  readonly nemesis: readonly string[];
  /** Members: 3 or 5 (external mode: the number of endpoints). */
  readonly nodes: number;
  readonly timeLimitS: number;
  /** Operations per second across all workers. */
  readonly rate: number;
  readonly concurrency: number;
  readonly seed: number;
  /** Seconds between fault transitions. Default 5. */
  readonly intervalS?: number;
  /** Seconds of healed cluster before the final reads. Default min(10, timeLimitS / 2). */
  readonly recoveryS?: number;
  /**
   * A planted bug: etcd-ts members serve linearizable reads from local state without
   * ReadIndex, so a partitioned old leader answers stale reads. For showing the suite
   * catches it.
   */
  readonly unsafeLocalReads?: boolean;
}

/** The part of a run's test.json every mode writes alike (the seed as text: it may pass 2^53). */
export function runFieldsOf(options: RunOptions, startTime: Date) {
  return {
    workload: options.workload,
    nemesis: options.nemesis,
    nodes: options.nodes,
    timeLimitS: options.timeLimitS,
    rate: options.rate,
    concurrency: options.concurrency,
    seed: String(options.seed),
    startTime: startTime.toISOString(),
    timeUnit: 'ms',
  };
}
