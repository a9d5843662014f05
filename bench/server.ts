// bench:server — one load generator against a 3-member etcd-ts and a 3-member real etcd
// (Debian's 3.4) on loopback, in the same run: 256-byte puts at 1, 16 and 64 concurrent
// clients, linearizable single-key ranges and a compare-and-swap txn at 16. Prints ops/s,
// p50 and p99 per case and the etcd-ts/etcd ratios. Absolute figures on a shared 2-core
// machine mean little (the generator, both clusters and the OS share the cores); the
// ratios, measured back to back with the same generator, are the point.
//
// "What batching buys": the put cases run once more against an etcd-ts whose Raft loop
// works every proposal in a Ready of its own (bench/etcd-ts-unbatched.ts), and the
// batched/unbatched ratios are printed. BENCH_SERVER_BATCHING=skip leaves that run out.
//
// Needs `npm run build` (the script does it) and etcd/etcdctl (scripts/install-real.sh).
// BENCH_SERVER_CASE_MS sets each case's duration (default 5000 ms). Both clusters run with
// --snapshot-count=100000, etcd 3.4's default (see snapshotCountFlag). While iterating:
// BENCH_SERVER_CASES=range,64 keeps the cases that one of the comma-separated parts names
// (a part of the case name, a concurrency, or "name concurrency" exactly), and
// BENCH_SERVER_KINDS=etcd-ts measures one kind only.

import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { type ClusterKind, startProcessCluster } from '../runner/process-cluster.js';
import type { WorkloadClient } from '../workloads/client.js';
import { GrpcClient } from '../workloads/grpc-client.js';

const caseMs = Number(process.env.BENCH_SERVER_CASE_MS ?? 5000);
// etcd 3.4's own default, given to both: etcd-ts's default (10 000) would make it encode
// its whole MVCC store into a Raft snapshot a few times per run, each a stall of a few
// hundred ms on every member, which etcd (whose store is already on disk) never pays.
const snapshotCountFlag = '--snapshot-count=100000';
const value = new Uint8Array(256).fill(0x61);
const encoder = new TextEncoder();

interface BenchCase {
  readonly name: string;
  readonly concurrency: number;
  /** One request; `worker` and `sequence` make keys distinct where the case needs it. */
  readonly run: (client: WorkloadClient, worker: number, sequence: number) => Promise<unknown>;
}

const allCases: readonly BenchCase[] = [
  { name: 'put 256 B', concurrency: 1, run: put },
  { name: 'put 256 B', concurrency: 16, run: put },
  { name: 'put 256 B', concurrency: 64, run: put },
  {
    name: 'range (linearizable)',
    concurrency: 16,
    run: (client, worker) => client.range({ key: encoder.encode(`bench/${worker % 100}`) }),
  },
  { name: 'txn compare-and-swap', concurrency: 16, run: compareAndSwap },
];

const caseFilter = (process.env.BENCH_SERVER_CASES ?? '').split(',').filter((part) => part !== '');
const cases = allCases.filter(
  (benchCase) =>
    caseFilter.length === 0 ||
    caseFilter.some(
      (part) =>
        benchCase.name.includes(part) ||
        part === String(benchCase.concurrency) ||
        part === `${benchCase.name} ${benchCase.concurrency}`,
    ),
);
const kinds = (process.env.BENCH_SERVER_KINDS ?? 'etcd,etcd-ts').split(',');

function put(client: WorkloadClient, worker: number, sequence: number): Promise<unknown> {
  return client.put({ key: encoder.encode(`bench/${worker}/${sequence % 1000}`), value });
}

async function compareAndSwap(client: WorkloadClient, worker: number): Promise<unknown> {
  const key = encoder.encode(`cas/${worker}`);
  const read = await client.range({ key, serializable: true });
  const modRevision = read.kvs[0]?.modRevision ?? 0;
  return client.txn({
    compare: [{ key, target: 'MOD', result: 'EQUAL', modRevision }],
    success: [{ type: 'put', request: { key, value } }],
    failure: [],
  });
}

interface Measured {
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly firstError: string;
}

async function measure(endpoints: readonly string[], benchCase: BenchCase): Promise<Measured> {
  // One channel per 8 workers, spread over the members, as etcd's own benchmark tool does.
  const channels = Array.from(
    { length: Math.max(1, Math.ceil(benchCase.concurrency / 8)) },
    (_, i) =>
      new GrpcClient((endpoints[i % endpoints.length] ?? '').replace(/^https?:\/\//, ''), {
        timeoutMsDefault: 10_000,
      }),
  );
  const latencies: number[] = [];
  let errors = 0;
  let firstError = '';
  const deadline = performance.now() + caseMs;
  const worker = async (index: number): Promise<void> => {
    const client = channels[index % channels.length]!;
    for (let sequence = 0; performance.now() < deadline; sequence++) {
      const started = performance.now();
      try {
        await benchCase.run(client, index, sequence);
        latencies.push(performance.now() - started);
      } catch (error) {
        if (errors++ === 0) firstError = error instanceof Error ? error.message : String(error);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: benchCase.concurrency }, (_, i) => worker(i)));
  const elapsedMs = performance.now() - started;
  for (const channel of channels) channel.close();
  latencies.sort((a, b) => a - b);
  const percentile = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return {
    opsPerSecond: (latencies.length * 1000) / elapsedMs,
    p50Ms: percentile(0.5),
    p99Ms: percentile(0.99),
    errors,
    firstError,
  };
}

async function benchKind(
  kind: ClusterKind,
  options: { etcdTsEntry?: string; cases?: readonly BenchCase[] } = {},
): Promise<Measured[]> {
  const cluster = await startProcessCluster({
    kind,
    size: 3,
    extraFlags: [snapshotCountFlag],
    ...(options.etcdTsEntry === undefined ? {} : { etcdTsEntry: options.etcdTsEntry }),
  });
  try {
    // Warm up: connections, leader election settled, JIT.
    await measure(cluster.endpoints, { ...allCases[1]!, run: put });
    const results: Measured[] = [];
    for (const benchCase of options.cases ?? cases) results.push(await measure(cluster.endpoints, benchCase));
    return results;
  } finally {
    await cluster.stop();
  }
}

function format(n: number, digits = 1): string {
  return n.toFixed(digits).padStart(9);
}

async function main(): Promise<void> {
  if (cases.length === 0)
    throw new Error(`BENCH_SERVER_CASES=${process.env.BENCH_SERVER_CASES} names no case`);
  const unknownKind = kinds.find((kind) => kind !== 'etcd' && kind !== 'etcd-ts');
  if (unknownKind !== undefined)
    throw new Error(`BENCH_SERVER_KINDS: unknown kind ${unknownKind} (etcd, etcd-ts)`);
  console.log(`bench:server — 3 members each, ${caseMs} ms per case, loopback`);
  const skipped: Measured = { opsPerSecond: 0, p50Ms: 0, p99Ms: 0, errors: 0, firstError: '' };
  const etcd = kinds.includes('etcd') ? await benchKind('etcd') : cases.map(() => skipped);
  const etcdTs = kinds.includes('etcd-ts') ? await benchKind('etcd-ts') : cases.map(() => skipped);
  console.log(
    'case                         conc  |     etcd ops/s   p50 ms   p99 ms |  etcd-ts ops/s   p50 ms   p99 ms | ops ratio  p99 ratio',
  );
  cases.forEach((benchCase, i) => {
    const a = etcd[i]!;
    const b = etcdTs[i]!;
    console.log(
      `${benchCase.name.padEnd(28)} ${String(benchCase.concurrency).padStart(4)}  | ${format(a.opsPerSecond)} ${format(a.p50Ms, 2)} ${format(a.p99Ms, 2)} |` +
        ` ${format(b.opsPerSecond)} ${format(b.p50Ms, 2)} ${format(b.p99Ms, 2)} | ${format(b.opsPerSecond / a.opsPerSecond, 2)}x ${format(b.p99Ms / a.p99Ms, 2)}x` +
        (a.errors + b.errors > 0
          ? `  (errors: etcd ${a.errors} ${a.firstError}, etcd-ts ${b.errors} ${b.firstError})`
          : ''),
    );
  });
  const putCases = cases.filter((benchCase) => benchCase.run === put);
  if (process.env.BENCH_SERVER_BATCHING === 'skip' || putCases.length === 0 || !kinds.includes('etcd-ts'))
    return;
  const unbatched = await benchKind('etcd-ts', {
    etcdTsEntry: fileURLToPath(new URL('./etcd-ts-unbatched.js', import.meta.url)),
    cases: putCases,
  });
  console.log('');
  console.log(
    'what batching buys (etcd-ts)  conc  |   batched ops/s   p99 ms | unbatched ops/s   p99 ms | ops ratio',
  );
  putCases.forEach((benchCase, i) => {
    const batched = etcdTs[cases.indexOf(benchCase)]!;
    const alone = unbatched[i]!;
    console.log(
      `${benchCase.name.padEnd(29)} ${String(benchCase.concurrency).padStart(4)}  | ${format(batched.opsPerSecond)} ${format(batched.p99Ms, 2)} |` +
        ` ${format(alone.opsPerSecond)} ${format(alone.p99Ms, 2)} | ${format(batched.opsPerSecond / alone.opsPerSecond, 2)}x` +
        (alone.errors > 0 ? `  (errors unbatched: ${alone.errors} ${alone.firstError})` : ''),
    );
  });
}

main().catch((error: unknown) => {
  console.error(`bench:server failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
