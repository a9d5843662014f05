// The simulated etcd-ts cluster end to end: election, put/range/txn through SimClient,
// crash and restart of a follower and of the leader, a partitioned minority, a lease
// expiring on virtual time, and bit-identical runs for one seed.

import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { SimEtcdCluster } from './etcd-cluster.js';
import { SimClient, type SimOutcome } from './sim-client.js';

const text = new TextEncoder();
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const key = (name: string): Uint8Array => text.encode(name);

function newCluster(seed: number): SimEtcdCluster {
  return new SimEtcdCluster({ seed, size: 3 });
}

function clientOf(cluster: SimEtcdCluster, memberId: number, timeoutMs = 3000): SimClient {
  return new SimClient(cluster, { memberId, random: cluster.forkRandom(), timeoutMs });
}

/** Starts a request and runs the cluster until it answers (bounded by the client timeout). */
async function settle<T>(cluster: SimEtcdCluster, request: Promise<SimOutcome<T>>): Promise<SimOutcome<T>> {
  let outcome: SimOutcome<T> | undefined;
  void request.then((value) => {
    outcome = value;
  });
  const done = await cluster.runUntil(() => outcome !== undefined, { timeMsMax: 60_000 });
  expect(done).toBe(true);
  return outcome!;
}

function okOf<T>(outcome: SimOutcome<T>): T {
  if (outcome.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.response;
}

describe('SimEtcdCluster', () => {
  test('`SimEtcdCluster` elects a leader and serves put, range and txn', async () => {
    const cluster = newCluster(1);
    const leader = await cluster.waitForLeader();
    expect(cluster.memberIds).toContain(leader);
    const client = clientOf(cluster, leader);
    const put = okOf(await settle(cluster, client.put({ key: key('a'), value: text.encode('1') })));
    expect(put.header.revision).toBeGreaterThan(1);
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    const read = okOf(await settle(cluster, clientOf(cluster, follower).range({ key: key('a') })));
    expect(read.kvs.map((kv) => decode(kv.value))).toEqual(['1']);
    const txn = okOf(
      await settle(
        cluster,
        client.txn({
          compare: [{ key: key('a'), target: 'VALUE', result: 'EQUAL', value: text.encode('1') }],
          success: [{ type: 'put', request: { key: key('a'), value: text.encode('2') } }],
          failure: [],
        }),
      ),
    );
    expect(txn.succeeded).toBe(true);
    const after = okOf(await settle(cluster, client.range({ key: key('a') })));
    expect(after.kvs.map((kv) => decode(kv.value))).toEqual(['2']);
  });

  test('`crash()` of a follower loses nothing acknowledged and `restart()` catches it up', async () => {
    const cluster = newCluster(2);
    const leader = await cluster.waitForLeader();
    const client = clientOf(cluster, leader);
    const first = okOf(await settle(cluster, client.put({ key: key('k1'), value: text.encode('v1') })));
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    cluster.crash(follower, { tearLastWrite: true });
    expect(cluster.stateOf(follower)).toBe('down');
    const second = okOf(await settle(cluster, client.put({ key: key('k2'), value: text.encode('v2') })));
    expect(second.header.revision).toBe(first.header.revision + 1);
    cluster.restart(follower);
    const caughtUp = await cluster.runUntil(
      () => (cluster.node(follower)?.revision ?? 0) >= second.header.revision,
      {
        timeMsMax: 10_000,
      },
    );
    expect(caughtUp).toBe(true);
    const read = okOf(
      await settle(cluster, clientOf(cluster, follower).range({ key: key('k'), rangeEnd: key('l') })),
    );
    expect(read.kvs.map((kv) => decode(kv.value))).toEqual(['v1', 'v2']);
  });

  test('`crash()` of the leader elects another and keeps acknowledged writes; revisions continue', async () => {
    const cluster = newCluster(3);
    const leader = await cluster.waitForLeader();
    const client = clientOf(cluster, leader);
    let revision = 0;
    for (let index = 0; index < 5; index++) {
      revision = okOf(
        await settle(cluster, client.put({ key: key(`k${index}`), value: text.encode(`${index}`) })),
      ).header.revision;
    }
    cluster.crash(leader, { tearLastWrite: true });
    const next = await cluster.waitForLeader();
    expect(next).not.toBe(leader);
    const nextClient = clientOf(cluster, next);
    const read = okOf(await settle(cluster, nextClient.range({ key: key('k'), rangeEnd: key('l') })));
    expect(read.kvs.map((kv) => decode(kv.value))).toEqual(['0', '1', '2', '3', '4']);
    const put = okOf(await settle(cluster, nextClient.put({ key: key('after'), value: text.encode('x') })));
    expect(put.header.revision).toBe(revision + 1);
    cluster.restart(leader);
    const caughtUp = await cluster.runUntil(() => (cluster.node(leader)?.revision ?? 0) === revision + 1, {
      timeMsMax: 10_000,
    });
    expect(caughtUp).toBe(true);
  });

  test('`partition()` leaves the minority unable to write; `heal()` reunites the cluster', async () => {
    const cluster = newCluster(4);
    const leader = await cluster.waitForLeader();
    const others = cluster.memberIds.filter((id) => id !== leader);
    cluster.partition([[leader], others]);
    const minority = await settle(
      cluster,
      clientOf(cluster, leader, 3000).put({ key: key('m'), value: text.encode('x') }),
    );
    expect(minority.type).not.toBe('ok');
    const majorityLeader = await cluster.waitForLeader();
    // The old leader may still believe it leads until CheckQuorum steps it down.
    await cluster.runUntil(() => cluster.node(leader)?.raftStatus().state !== 'leader', { timeMsMax: 5000 });
    expect(others).toContain(cluster.leader());
    const majority = okOf(
      await settle(
        cluster,
        clientOf(cluster, majorityLeader).put({ key: key('p'), value: text.encode('y') }),
      ),
    );
    cluster.heal();
    const joined = await cluster.runUntil(
      () => (cluster.node(leader)?.revision ?? 0) >= majority.header.revision,
      {
        timeMsMax: 10_000,
      },
    );
    expect(joined).toBe(true);
    const read = okOf(await settle(cluster, clientOf(cluster, leader).range({ key: key('p') })));
    expect(read.kvs.map((kv) => decode(kv.value))).toEqual(['y']);
  });

  test('`pause()` holds a member and `resume()` lets it catch up', async () => {
    const cluster = newCluster(5);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    cluster.pause(follower);
    const before = cluster.node(follower)!.revision;
    const put = okOf(
      await settle(cluster, clientOf(cluster, leader).put({ key: key('q'), value: text.encode('z') })),
    );
    await cluster.runFor(2000);
    expect(cluster.node(follower)!.revision).toBe(before);
    cluster.resume(follower);
    const caughtUp = await cluster.runUntil(() => cluster.node(follower)!.revision >= put.header.revision, {
      timeMsMax: 5000,
    });
    expect(caughtUp).toBe(true);
  });

  test('a lease expires on virtual time and takes its key with it', async () => {
    const cluster = newCluster(6);
    const leader = await cluster.waitForLeader();
    const client = clientOf(cluster, leader);
    const lease = okOf(await settle(cluster, client.leaseGrant({ ttlSeconds: 5 })));
    okOf(await settle(cluster, client.put({ key: key('leased'), value: text.encode('v'), lease: lease.id })));
    await cluster.runFor(lease.ttlSeconds * 1000 - 1000);
    const alive = okOf(await settle(cluster, client.range({ key: key('leased') })));
    expect(alive.kvs).toHaveLength(1);
    await cluster.runFor(5000);
    const gone = okOf(await settle(cluster, client.range({ key: key('leased') })));
    expect(gone.kvs).toHaveLength(0);
  });

  test('`clockOffset()` on the leader makes its leases expire early', async () => {
    const cluster = newCluster(8);
    const leader = await cluster.waitForLeader();
    const client = clientOf(cluster, leader);
    const lease = okOf(await settle(cluster, client.leaseGrant({ ttlSeconds: 60 })));
    okOf(await settle(cluster, client.put({ key: key('leased'), value: text.encode('v'), lease: lease.id })));
    cluster.clockOffset(leader, 120_000);
    await cluster.runFor(2000);
    const gone = okOf(await settle(cluster, client.range({ key: key('leased') })));
    expect(gone.kvs).toHaveLength(0);
  });

  test("a keep-alive sent to a follower answers with the leader's decision: 0 for a lease the leader found expired", async () => {
    const cluster = newCluster(8);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    const lease = okOf(await settle(cluster, clientOf(cluster, leader).leaseGrant({ ttlSeconds: 60 })));
    const renewed = okOf(await settle(cluster, clientOf(cluster, follower).leaseKeepAlive({ id: lease.id })));
    expect(renewed.ttlSeconds).toBe(60);
    // The leader's clock passes the expiry; the follower's lessor still holds the lease
    // until the revoke applies, but the keep-alive must not be acknowledged.
    cluster.clockOffset(leader, 120_000);
    const refused = okOf(await settle(cluster, clientOf(cluster, follower).leaseKeepAlive({ id: lease.id })));
    expect(refused.ttlSeconds).toBe(0);
  });

  test('a 5-member `SimEtcdCluster` keeps writing with two members down', async () => {
    const cluster = new SimEtcdCluster({ seed: 9, size: 5 });
    const leader = await cluster.waitForLeader();
    const followers = cluster.memberIds.filter((id) => id !== leader);
    cluster.crash(followers[0]!);
    cluster.crash(followers[1]!);
    const put = await settle(
      cluster,
      clientOf(cluster, leader).put({ key: key('five'), value: text.encode('v') }),
    );
    expect(put.type).toBe('ok');
    cluster.crash(followers[2]!);
    const stuck = await settle(
      cluster,
      clientOf(cluster, leader, 2000).put({ key: key('six'), value: text.encode('v') }),
    );
    expect(stuck.type).not.toBe('ok');
  });

  test('`SimClient` reports a request over a cut client link as indeterminate after its timeout', async () => {
    const cluster = newCluster(7);
    const leader = await cluster.waitForLeader();
    const client = clientOf(cluster, leader, 1000);
    client.setConnected(false);
    const startMs = cluster.nowMs();
    const outcome = await settle(cluster, client.put({ key: key('lost'), value: text.encode('v') }));
    expect(outcome).toEqual({ type: 'indeterminate', reason: 'timeout' });
    expect(cluster.nowMs() - startMs).toBeCloseTo(1000, 3);
    const invalid = await settle(
      cluster,
      new SimClient(cluster, { memberId: leader, random: cluster.forkRandom() }).put({
        key: new Uint8Array(),
        value: text.encode('v'),
      }),
    );
    expect(invalid.type).toBe('fail');
  });

  test('`SimClient.watch()` delivers events in order and ends when the member crashes', async () => {
    const cluster = newCluster(10);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    const seen: string[] = [];
    const revisions: number[] = [];
    let endReason: string | undefined;
    const watch = clientOf(cluster, follower).watch({
      onResponse: (response) => {
        for (const event of response.events) {
          seen.push(decode(event.kv.value));
          revisions.push(event.kv.modRevision);
        }
      },
      onEnd: (reason) => {
        endReason = reason;
      },
    });
    watch.send({ type: 'create', request: { key: key('w') } });
    await cluster.runFor(50);
    const writer = clientOf(cluster, leader);
    for (let index = 0; index < 5; index++)
      void writer.put({ key: key('w'), value: text.encode(`${index}`) });
    const allSeen = await cluster.runUntil(() => seen.length === 5, { timeMsMax: 5000 });
    expect(allSeen).toBe(true);
    // The puts race over the client link, so any apply order is fine, but the watcher
    // sees exactly that order: strictly increasing revisions, every value once.
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(revisions).toEqual([...revisions].sort((left, right) => left - right));
    expect(new Set(revisions).size).toBe(5);
    cluster.crash(follower);
    await cluster.runFor(10);
    expect(endReason).toBe('connection lost');
    const refused = await settle(
      cluster,
      clientOf(cluster, follower).put({ key: key('w'), value: text.encode('x') }),
    );
    expect(refused).toEqual({ type: 'indeterminate', reason: 'connection refused' });
  });

  test('`SimEtcdCluster` rejects a size that cannot work', () => {
    expect(() => new SimEtcdCluster({ seed: 1, size: 4 })).toThrow(ConfigError);
  });

  test('`traceHash()` is identical for one seed and schedule, and differs for another seed', async () => {
    const first = await scriptedRun(11);
    const again = await scriptedRun(11);
    const other = await scriptedRun(12);
    expect(first.okCount).toBeGreaterThan(10);
    expect(again).toEqual(first);
    expect(other.traceHash).not.toBe(first.traceHash);
    // Every member ends with the same store.
    expect(new Set(first.storeHashes).size).toBe(1);
  });
});

interface RunSummary {
  traceHash: string;
  storeHashes: number[];
  revision: number;
  okCount: number;
  outcomes: string[];
}

/** A fixed schedule of puts from three clients with crashes, a partition, a pause and a clock bump. */
async function scriptedRun(seed: number): Promise<RunSummary> {
  const cluster = new SimEtcdCluster({
    seed,
    size: 3,
    linkSettings: {
      delayMsMin: 1,
      delayMsMax: 5,
      tailPerMille: 20,
      tailDelayMsMax: 50,
      lossPerMille: 20,
      duplicatePerMille: 20,
      reorderPerMille: 50,
    },
  });
  const clients = cluster.memberIds.map((id) => clientOf(cluster, id, 2000));
  const faults = new Map<number, () => void>([
    [20, () => cluster.crash(1, { tearLastWrite: true })],
    [30, () => cluster.restart(1)],
    [40, () => cluster.partition([[2], [1, 3]])],
    [50, () => cluster.heal()],
    [55, () => cluster.clockOffset(3, 400)],
    [60, () => cluster.pause(3)],
    [70, () => cluster.resume(3)],
    [75, () => cluster.crash(2)],
    [80, () => cluster.restart(2)],
  ]);
  const outcomes: string[] = [];
  for (let step = 0; step < 90; step++) {
    faults.get(step)?.();
    const client = clients[step % clients.length]!;
    void client.put({ key: key(`k${step % 7}`), value: text.encode(`${step}`) }).then((outcome) => {
      outcomes.push(`${step}:${outcome.type}`);
    });
    await cluster.runFor(100);
  }
  await cluster.runFor(3000);
  const converged = await cluster.runUntil(
    () => new Set(cluster.memberIds.map((id) => cluster.node(id)?.revision)).size === 1,
    { timeMsMax: 10_000 },
  );
  expect(converged).toBe(true);
  const storeHashes = [...(await cluster.storeHashes()).values()];
  expect(storeHashes).toHaveLength(3);
  return {
    traceHash: cluster.traceHash(),
    storeHashes,
    revision: cluster.node(1)!.revision,
    okCount: outcomes.filter((outcome) => outcome.endsWith(':ok')).length,
    outcomes,
  };
}
