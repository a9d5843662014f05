// The etcdctl comparison: the same etcdctl commands, in the same order, against a
// 3-member real etcd cluster and a 3-member etcd-ts cluster on loopback. Outputs are
// compared after normalizing ids, ports, versions, raft terms/indexes and timings;
// revisions, values, exit codes and error texts must match exactly. The table of every
// command is printed and written to a file under os.tmpdir() whose path is printed too.

import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ClusterKind, type ProcessCluster, startProcessCluster } from './process-cluster.js';
import { type ClusterIdentity, type LeaseNumbering, normalizeResult } from './testing/compat-normalize.js';
import { type EtcdctlResult, etcdctl, etcdctlUntilLines } from './testing/etcdctl.js';

interface Target {
  readonly kind: ClusterKind;
  readonly cluster: ProcessCluster;
  readonly identity: ClusterIdentity;
  readonly leases: LeaseNumbering;
  /** Values one case leaves for a later one (a lease id, a revision). */
  readonly vars: Map<string, string>;
  /** n1's client URL: one endpoint, so response headers name the same member on both. */
  readonly first: string;
}

interface CompatCase {
  readonly command: string;
  readonly run: (target: Target) => Promise<EtcdctlResult>;
}

interface Row {
  readonly command: string;
  readonly etcd: string;
  readonly etcdTs: string;
  readonly match: boolean;
}

const watchTimeoutMs = 5_000;

function ctl(args: readonly string[], stdin?: string): (target: Target) => Promise<EtcdctlResult> {
  return (target) => etcdctl(args, { endpoints: [target.first], ...(stdin === undefined ? {} : { stdin }) });
}

function withVar(
  name: string,
  build: (value: string) => string[],
): (target: Target) => Promise<EtcdctlResult> {
  return (target) => etcdctl(build(target.vars.get(name) ?? 'missing-var'), { endpoints: [target.first] });
}

const txnSucceeds = [
  'mod("foo1") > "0"',
  'value("foo2") = "bar2"',
  '',
  'put foo1 txn-yes',
  'get foo2',
  '',
  'put foo1 txn-no',
  '',
  '',
].join('\n');
const txnFails = ['version("foo1") = "99"', '', 'put foo1 never', '', 'get foo1', 'del foo2', '', ''].join(
  '\n',
);

const txnReadOnly = [
  'value("foo1") = "nope"',
  '',
  'get foo2',
  '',
  'get foo1',
  'get foo --prefix --limit=1',
  '',
  '',
].join('\n');

const cases: readonly CompatCase[] = [
  { command: 'put foo bar', run: ctl(['put', 'foo', 'bar']) },
  { command: 'put foo1 bar1', run: ctl(['put', 'foo1', 'bar1']) },
  { command: 'put foo2 bar2', run: ctl(['put', 'foo2', 'bar2']) },
  { command: 'put foo3 bar3', run: ctl(['put', 'foo3', 'bar3']) },
  { command: 'put zoo zebra', run: ctl(['put', 'zoo', 'zebra']) },
  { command: 'put foo bar-2 --prev-kv', run: ctl(['put', 'foo', 'bar-2', '--prev-kv']) },
  { command: 'get foo', run: ctl(['get', 'foo']) },
  { command: 'get missing', run: ctl(['get', 'missing']) },
  { command: 'get foo --prefix', run: ctl(['get', 'foo', '--prefix']) },
  { command: 'get foo1 foo3', run: ctl(['get', 'foo1', 'foo3']) },
  { command: 'get foo2 --from-key', run: ctl(['get', 'foo2', '--from-key']) },
  { command: 'get foo --rev=2', run: ctl(['get', 'foo', '--rev=2']) },
  { command: 'get foo --prefix --keys-only', run: ctl(['get', 'foo', '--prefix', '--keys-only']) },
  { command: 'get foo --prefix --limit=2', run: ctl(['get', 'foo', '--prefix', '--limit=2']) },
  {
    command: 'get foo --prefix --sort-by=MODIFY --order=DESCEND',
    run: ctl(['get', 'foo', '--prefix', '--sort-by=MODIFY', '--order=DESCEND']),
  },
  {
    command: 'get foo --prefix --sort-by=VALUE --order=ASCEND',
    run: ctl(['get', 'foo', '--prefix', '--sort-by=VALUE', '--order=ASCEND']),
  },
  { command: 'get foo --prefix -w json', run: ctl(['get', 'foo', '--prefix', '-w', 'json']) },
  {
    command: 'get foo --prefix --limit=1 -w json',
    run: ctl(['get', 'foo', '--prefix', '--limit=1', '-w', 'json']),
  },
  { command: 'get foo --rev=1000 (future)', run: ctl(['get', 'foo', '--rev=1000']) },
  { command: 'del foo3', run: ctl(['del', 'foo3']) },
  { command: 'del nothing-here', run: ctl(['del', 'nothing-here']) },
  { command: 'del zoo --prev-kv', run: ctl(['del', 'zoo', '--prev-kv']) },
  { command: 'txn -i (success branch)', run: ctl(['txn', '-i'], txnSucceeds) },
  { command: 'txn -i (failure branch)', run: ctl(['txn', '-i'], txnFails) },
  { command: 'get foo --prefix (after txn)', run: ctl(['get', 'foo', '--prefix']) },
  {
    command: 'txn -i -w json (read-only failure branch)',
    run: ctl(['txn', '-i', '-w', 'json'], txnReadOnly),
  },
  { command: 'watch foo --prefix --rev=1', run: watchLines(['watch', 'foo', '--prefix', '--rev=1'], 22) },
  { command: 'watch foo1 --prev-kv --rev=3', run: watchLines(['watch', 'foo1', '--prev-kv', '--rev=3'], 8) },
  { command: 'watch w --prefix (live puts)', run: liveWatch },
  { command: 'lease grant 100', run: leaseGrant },
  {
    command: 'put leased v --lease=<lease1>',
    run: withVar('lease', (id) => ['put', 'leased', 'v', `--lease=${id}`]),
  },
  { command: 'lease timetolive <lease1>', run: withVar('lease', (id) => ['lease', 'timetolive', id]) },
  {
    command: 'lease timetolive <lease1> --keys -w json',
    run: withVar('lease', (id) => ['lease', 'timetolive', id, '--keys', '-w', 'json']),
  },
  {
    command: 'lease keep-alive --once <lease1>',
    run: withVar('lease', (id) => ['lease', 'keep-alive', '--once', id]),
  },
  { command: 'lease list', run: ctl(['lease', 'list']) },
  { command: 'lease revoke <lease1>', run: withVar('lease', (id) => ['lease', 'revoke', id]) },
  { command: 'get leased (after revoke)', run: ctl(['get', 'leased']) },
  { command: 'lease revoke <lease1> (again)', run: withVar('lease', (id) => ['lease', 'revoke', id]) },
  {
    command: 'lease timetolive <lease1> (revoked)',
    run: withVar('lease', (id) => ['lease', 'timetolive', id]),
  },
  {
    command: 'lease keep-alive --once 1234abcd (unknown)',
    run: ctl(['lease', 'keep-alive', '--once', '1234abcd']),
  },
  { command: 'put k v --lease=1234abcd (unknown)', run: ctl(['put', 'k', 'v', '--lease=1234abcd']) },
  { command: 'member list', run: ctl(['member', 'list']) },
  { command: 'endpoint status (all endpoints)', run: allEndpoints(['endpoint', 'status']) },
  { command: 'endpoint health (all endpoints)', run: allEndpoints(['endpoint', 'health']) },
  { command: 'endpoint health --cluster', run: ctl(['endpoint', 'health', '--cluster']) },
  { command: 'put foo bar-3 -w json', run: ctl(['put', 'foo', 'bar-3', '-w', 'json']) },
  { command: 'del foo1 --prev-kv -w json', run: ctl(['del', 'foo1', '--prev-kv', '-w', 'json']) },
  { command: 'compaction 5', run: ctl(['compaction', '5']) },
  { command: 'get foo --rev=2 (compacted)', run: ctl(['get', 'foo', '--rev=2']) },
  { command: 'get foo --rev=5 (at compaction)', run: ctl(['get', 'foo', '--rev=5']) },
  { command: 'compaction 3 (already compacted)', run: ctl(['compaction', '3']) },
  { command: 'compaction 100000 (future)', run: ctl(['compaction', '100000']) },
  { command: 'watch foo --rev=2 (compacted)', run: watchLines(['watch', 'foo', '--rev=2'], 1) },
  { command: 'snapshot save <file>', run: snapshotSave },
];

function watchLines(
  args: readonly string[],
  linesExpected: number,
): (target: Target) => Promise<EtcdctlResult> {
  return async (target) => {
    const { result } = etcdctlUntilLines(args, {
      endpoints: [target.first],
      linesExpected,
      timeoutMs: watchTimeoutMs,
    });
    return killedWatchResult(await result);
  };
}

/** A watch from the next revision, then three writes: the events arrive whatever the start race. */
async function liveWatch(target: Target): Promise<EtcdctlResult> {
  const header = await etcdctl(['get', 'w', '-w', 'json'], { endpoints: [target.first] });
  const revision = Number(/"revision":(\d+)/.exec(header.stdout)?.[1] ?? Number.NaN);
  const { started, result } = etcdctlUntilLines(['watch', 'w', '--prefix', `--rev=${revision + 1}`], {
    endpoints: [target.first],
    linesExpected: 8,
    timeoutMs: watchTimeoutMs,
  });
  await started;
  await etcdctl(['put', 'w1', 'one'], { endpoints: [target.first] });
  await etcdctl(['put', 'w2', 'two'], { endpoints: [target.first] });
  await etcdctl(['del', 'w1'], { endpoints: [target.first] });
  return killedWatchResult(await result);
}

/** The watch was killed by us once its lines arrived; the exit code says nothing then. */
/**
 * A watch killed after its last expected line: the exit code is ours, not etcdctl's, and a
 * DELETE's empty value line may or may not have been written before the kill, so blank
 * lines at the very end are dropped on both sides.
 */
function killedWatchResult(result: EtcdctlResult): EtcdctlResult {
  if (result.timedOut) return result;
  return {
    ...result,
    exitCode: result.exitCode === null ? 0 : result.exitCode,
    stdout: result.stdout.replace(/\n+$/, '\n'),
  };
}

async function leaseGrant(target: Target): Promise<EtcdctlResult> {
  const result = await etcdctl(['lease', 'grant', '100'], { endpoints: [target.first] });
  const id = /lease ([0-9a-f]+) granted/.exec(result.stdout)?.[1];
  if (id !== undefined) target.vars.set('lease', id);
  return result;
}

/**
 * All three endpoints as host:port; etcdctl asks them concurrently, so lines are sorted
 * after normalizing. (With http:// URLs `endpoint status` sends the whole URL as the
 * HTTP/2 :authority, which etcd accepts and etcd-ts does not; see the compat report.)
 */
function allEndpoints(args: readonly string[]): (target: Target) => Promise<EtcdctlResult> {
  return (target) =>
    etcdctl(args, { endpoints: target.cluster.endpoints.map((url) => url.replace('http://', '')) });
}

function sortOutputLines(text: string): string {
  const lines = text.split('\n').filter((line) => line.length > 0);
  return lines.length === 0 ? '' : `${lines.sort().join('\n')}\n`;
}

async function snapshotSave(target: Target): Promise<EtcdctlResult> {
  const file = join(target.cluster.dir, 'snapshot.db');
  const result = await etcdctl(['snapshot', 'save', file], { endpoints: [target.first] });
  return { ...result, stdout: result.stdout.split(file).join('<file>') };
}

async function identityOf(cluster: ProcessCluster): Promise<ClusterIdentity> {
  const result = await etcdctl(['member', 'list', '-w', 'json'], { endpoints: cluster.endpoints });
  if (result.exitCode !== 0) throw new Error(`member list failed: ${result.stderr}`);
  const clusterId = BigInt(/"cluster_id":(\d+)/.exec(result.stdout)?.[1] ?? '0');
  const memberIds = new Map<string, bigint>();
  for (const match of result.stdout.matchAll(/"ID":(\d+),"name":"([^"]+)"/g)) {
    memberIds.set(match[2] ?? '', BigInt(match[1] ?? '0'));
  }
  const urls = new Map(
    cluster.members.map(
      (member) => [member.name, { client: member.clientUrl, peer: member.peerUrl }] as const,
    ),
  );
  return { clusterId, memberIds, urls };
}

describe('etcdctl against etcd and etcd-ts', () => {
  const targets = new Map<ClusterKind, Target>();
  const rows: Row[] = [];

  beforeAll(async () => {
    const started = await Promise.allSettled(
      (['etcd', 'etcd-ts'] as const).map((kind) => startProcessCluster({ kind, size: 3 })),
    );
    for (const outcome of started) {
      if (outcome.status === 'fulfilled') {
        const cluster = outcome.value;
        const first = cluster.endpoints[0];
        if (first === undefined) throw new Error('a cluster without endpoints');
        targets.set(cluster.kind, {
          kind: cluster.kind,
          cluster,
          identity: await identityOf(cluster),
          leases: new Map(),
          vars: new Map(),
          first,
        });
      }
    }
    const failed = started.find((outcome) => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  });

  afterAll(async () => {
    await Promise.all([...targets.values()].map((target) => target.cluster.stop()));
    if (rows.length === 0) return;
    const table = renderTable(rows);
    const file = join(tmpdir(), `etcdctl-compat-${process.pid}.md`);
    writeFileSync(file, table);
    console.log(`${table}\netcdctl comparison table written to ${file}`);
  });

  test.each(cases.map((compatCase) => [compatCase.command, compatCase] as const))(
    '`etcdctl %s` prints the same on etcd-ts as on etcd',
    async (_, compatCase) => {
      const etcd = targets.get('etcd');
      const etcdTs = targets.get('etcd-ts');
      if (etcd === undefined || etcdTs === undefined) throw new Error('a cluster did not start');
      const etcdOut = normalizeResult(await compatCase.run(etcd), etcd.identity, etcd.leases);
      const etcdTsOut = normalizeResult(await compatCase.run(etcdTs), etcdTs.identity, etcdTs.leases);
      const sortedEtcd = sortIfUnordered(compatCase.command, etcdOut);
      const sortedEtcdTs = sortIfUnordered(compatCase.command, etcdTsOut);
      rows.push({
        command: compatCase.command,
        etcd: sortedEtcd,
        etcdTs: sortedEtcdTs,
        match: sortedEtcd === sortedEtcdTs,
      });
      expect(sortedEtcdTs).toBe(sortedEtcd);
    },
  );
});

/**
 * Orders that follow from ids, which differ between the clusters by construction:
 * endpoint probes run concurrently, and members are listed by member id; both are put
 * in name order once the ids became names.
 */
function sortIfUnordered(command: string, text: string): string {
  if (command.startsWith('endpoint ') || command === 'member list') return sortOutputLines(text);
  return text;
}

function renderTable(rows: readonly Row[]): string {
  const cell = (text: string): string => text.trimEnd().split('|').join('\\|').split('\n').join('<br>');
  const lines = ['| command | etcd output | etcd-ts output | match |', '| --- | --- | --- | --- |'];
  for (const row of rows) {
    lines.push(
      `| \`${row.command}\` | ${cell(row.etcd)} | ${cell(row.etcdTs)} | ${row.match ? 'yes' : 'NO'} |`,
    );
  }
  const matched = rows.filter((row) => row.match).length;
  lines.push('', `${matched}/${rows.length} commands match`);
  return `${lines.join('\n')}\n`;
}
