// A three-member etcd-ts cluster in one process: real TCP peer transport on loopback,
// real WAL files in a temporary directory, the process clock. It checks the request
// paths end to end: writes through Raft, linearizable and serializable reads, txn,
// watches, leases, locks, a member restart that recovers from its WAL, and a write sent
// to a follower just after the leader died.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { Member } from '../api/cluster-types.js';
import type { WatchResponse } from '../api/types.js';
import { ProcessClock } from '../ports/process-clock.js';
import { Xoshiro128 } from '../ports/random.js';
import { RealDisk } from '../ports/real-disk.js';
import { type PeerAddress, TcpTransport } from '../transport/tcp-transport.js';
import { WalPersistence } from '../wal/wal-persistence.js';
import { EtcdNode } from './etcd-node.js';

const text = new TextEncoder();
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const clusterId = 0x1234;
const quiet = { info: () => {}, warn: () => {} };

interface Cluster {
  dir: string;
  nodes: Map<number, EtcdNode>;
  transports: Map<number, TcpTransport>;
  addresses: Map<number, PeerAddress>;
  members: Member[];
}

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) {
    for (const node of cluster.nodes.values()) node.stop();
    await Promise.all([...cluster.transports.values()].map((transport) => transport.close()));
    rmSync(cluster.dir, { recursive: true, force: true });
  }
});

function listenOn(id: number, listen: PeerAddress, peers: Map<number, PeerAddress>): Promise<TcpTransport> {
  return TcpTransport.listen({ selfId: id, clusterId, listen, peers, clock: new ProcessClock() });
}

async function startMember(
  cluster: Cluster,
  id: number,
  options: { seed: number; joining?: boolean; listening?: TcpTransport },
): Promise<EtcdNode> {
  const { seed, joining = false } = options;
  const clock = new ProcessClock();
  const peers = new Map([...cluster.addresses].filter(([peer]) => peer !== id));
  const transport =
    options.listening ??
    (await listenOn(id, cluster.addresses.get(id) ?? { host: '127.0.0.1', port: 0 }, peers));
  if (options.listening !== undefined) {
    for (const [peer, address] of peers) transport.setPeerAddress(peer, address);
  }
  cluster.transports.set(id, transport);
  const persistence = WalPersistence.open(new RealDisk(), {
    dir: join(cluster.dir, `member-${id}`),
    logger: quiet,
    metadata: { nodeId: id, clusterId },
  });
  const node = new EtcdNode({
    memberId: id,
    clusterId,
    members: cluster.members,
    clock,
    random: new Xoshiro128(seed),
    transport,
    persistence,
    tickMs: 10,
    requestTimeoutMs: 3000,
    initialClusterState: joining ? 'existing' : 'new',
    onMembersChanged: (members) => {
      for (const member of members) {
        const url = member.peerUrls[0];
        if (member.id === id || url === undefined || peers.has(member.id)) continue;
        const parsed = new URL(url);
        const address = { host: parsed.hostname, port: Number(parsed.port) };
        peers.set(member.id, address);
        transport.setPeerAddress(member.id, address);
      }
    },
  });
  cluster.nodes.set(id, node);
  node.start();
  return node;
}

/**
 * A free port for a member whose id is not known yet (MemberAdd gives it): it is closed
 * again before the member binds it, so only the member-add test uses this.
 */
async function reservePort(): Promise<PeerAddress> {
  const probe = await listenOn(1, { host: '127.0.0.1', port: 0 }, new Map());
  const address = probe.address();
  await probe.close();
  return address;
}

async function startCluster(size: number): Promise<Cluster> {
  const cluster: Cluster = {
    dir: mkdtempSync(join(tmpdir(), 'etcd-ts-node-')),
    nodes: new Map(),
    transports: new Map(),
    addresses: new Map(),
    members: [],
  };
  clusters.push(cluster);
  // Every member listens first (on a port the system picks and nobody else can take
  // meanwhile), so that every member knows every peer's address when it starts.
  const listening = new Map<number, TcpTransport>();
  for (let id = 1; id <= size; id++) {
    const transport = await listenOn(id, { host: '127.0.0.1', port: 0 }, new Map());
    listening.set(id, transport);
    cluster.transports.set(id, transport);
    cluster.addresses.set(id, transport.address());
    const { host, port } = cluster.addresses.get(id)!;
    cluster.members.push({
      id,
      name: `m${id}`,
      peerUrls: [`http://${host}:${port}`],
      clientUrls: [],
      isLearner: false,
    });
  }
  for (let id = 1; id <= size; id++)
    await startMember(cluster, id, { seed: id, listening: listening.get(id)! });
  return cluster;
}

async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const clock = new ProcessClock();
  const deadline = clock.nowMs() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // Not ready yet (no leader, timeout): try again until the deadline.
    }
    if (clock.nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => clock.setTimer(10, resolve));
  }
}

async function leaderOf(cluster: Cluster): Promise<EtcdNode> {
  return waitFor(
    () => [...cluster.nodes.values()].find((node) => node.raftStatus().state === 'leader'),
    'a leader',
  );
}

describe('EtcdNode', () => {
  test('put() on one member is read linearizably on every member', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const put = await waitFor(() => leader.put({ key: text.encode('k'), value: text.encode('v1') }), 'put');
    expect(put.header.revision).toBe(2);
    for (const node of cluster.nodes.values()) {
      const got = await waitFor(() => node.range({ key: text.encode('k') }), 'read');
      expect(got.kvs.map((kv) => decode(kv.value))).toEqual(['v1']);
      expect(got.kvs[0]?.modRevision).toBe(2);
    }
  });

  test('hashKv() agrees on every member at the same revision', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    let revision = 0;
    for (let i = 0; i < 10; i++) {
      const put = await waitFor(
        () => leader.put({ key: text.encode(`h/${i % 3}`), value: text.encode(String(i)) }),
        'put',
      );
      revision = put.header.revision;
    }
    const hashes = await Promise.all(
      [...cluster.nodes.values()].map((node) =>
        waitFor(async () => {
          await node.range({ key: text.encode('h/0') });
          return (await node.hashKv({ revision })).hash;
        }, 'hash'),
      ),
    );
    expect(new Set(hashes).size).toBe(1);
  });

  test('txn() compares on mod revision and applies one branch atomically', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const first = await waitFor(() => leader.put({ key: text.encode('x'), value: text.encode('1') }), 'put');
    const cas = (modRevision: number) =>
      leader.txn({
        compare: [{ key: text.encode('x'), target: 'MOD', result: 'EQUAL', modRevision }],
        success: [{ type: 'put', request: { key: text.encode('x'), value: text.encode('2') } }],
        failure: [{ type: 'range', request: { key: text.encode('x') } }],
      });
    expect((await cas(first.header.revision)).succeeded).toBe(true);
    const stale = await cas(first.header.revision);
    expect(stale.succeeded).toBe(false);
    const read = stale.responses[0];
    expect(read?.type === 'range' ? decode(read.response.kvs[0]!.value) : undefined).toBe('2');
  });

  test('watch() from a past revision replays history then live events, in order', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    for (const value of ['a', 'b']) {
      await waitFor(() => leader.put({ key: text.encode('w/1'), value: text.encode(value) }), 'put');
    }
    const follower = [...cluster.nodes.values()].find((node) => node !== leader)!;
    await waitFor(
      async () => ((await follower.range({ key: text.encode('w/1') })).kvs.length ? true : undefined),
      'follower caught up',
    );
    const responses: WatchResponse[] = [];
    const stream = follower.watch({ onResponse: (r) => responses.push(r), onEnd: () => {} });
    stream.send({
      type: 'create',
      request: { key: text.encode('w/'), rangeEnd: text.encode('w0'), startRevision: 1 },
    });
    await leader.put({ key: text.encode('w/2'), value: text.encode('c') });
    const values = () => responses.flatMap((r) => r.events.map((event) => decode(event.kv.value)));
    await waitFor(() => (values().length === 3 ? true : undefined), 'three events');
    expect(values()).toEqual(['a', 'b', 'c']);
    expect(responses[0]?.created).toBe(true);
    stream.close();
  });

  test('a lease that is not kept alive expires and its keys go with it', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const lease = await waitFor(() => leader.leaseGrant({ ttlSeconds: 1 }), 'grant');
    expect(lease.ttlSeconds).toBeGreaterThanOrEqual(1);
    await leader.put({ key: text.encode('ephemeral'), value: text.encode('x'), lease: lease.id });
    const alive = await leader.leaseTimeToLive({ id: lease.id, keys: true });
    expect(alive.keys.map(decode)).toEqual(['ephemeral']);
    await waitFor(
      async () =>
        (await leader.range({ key: text.encode('ephemeral') })).kvs.length === 0 ? true : undefined,
      'expiry',
      8000,
    );
    expect((await leader.leaseTimeToLive({ id: lease.id })).ttlSeconds).toBe(-1);
  });

  test('lock() serves holders one at a time, in order of arrival', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const a = await waitFor(() => leader.leaseGrant({ ttlSeconds: 30 }), 'grant');
    const b = await leader.leaseGrant({ ttlSeconds: 30 });
    const first = await leader.lock({ name: text.encode('L'), lease: a.id });
    let secondHeld = false;
    const second = leader.lock({ name: text.encode('L'), lease: b.id }).then((response) => {
      secondHeld = true;
      return response;
    });
    await leader.put({ key: text.encode('between'), value: text.encode('1') });
    expect(secondHeld).toBe(false);
    await leader.unlock({ key: first.key });
    const got = await second;
    expect(decode(got.key)).toBe(`L/${b.id.toString(16)}`);
  });

  test('a restarted member recovers its data from the WAL', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    for (let i = 0; i < 20; i++) {
      await waitFor(() => leader.put({ key: text.encode(`r/${i}`), value: text.encode(String(i)) }), 'put');
    }
    const victimId = [...cluster.nodes].find(([, node]) => node !== leader)![0];
    cluster.nodes.get(victimId)!.stop();
    await cluster.transports.get(victimId)!.close();
    const restarted = await startMember(cluster, victimId, { seed: 99 });
    const read = await waitFor(async () => {
      const response = await restarted.range({
        key: text.encode('r/'),
        rangeEnd: text.encode('r0'),
        serializable: true,
      });
      return response.count === 20 ? response : undefined;
    }, 'recovered keys');
    expect(read.kvs.map((kv) => decode(kv.value)).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)).sort(),
    );
  });

  test('memberAdd() as a learner, then memberPromote(), grows the cluster to four voters', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    await waitFor(() => leader.put({ key: text.encode('before'), value: text.encode('join') }), 'put');
    const address = await reservePort();
    const added = await leader.memberAdd({
      peerUrls: [`http://${address.host}:${address.port}`],
      isLearner: true,
    });
    expect(added.member.isLearner).toBe(true);
    expect(added.members).toHaveLength(4);
    const id = added.member.id;
    cluster.addresses.set(id, address);
    cluster.members = added.members.map((member) => (member.id === id ? { ...member, name: 'm4' } : member));
    const joined = await startMember(cluster, id, { seed: 4, joining: true });
    await waitFor(async () => {
      const read = await joined.range({ key: text.encode('before'), serializable: true });
      return read.count === 1 ? true : undefined;
    }, 'the learner to catch up');
    const promoted = await leader.memberPromote({ id });
    expect(promoted.members.filter((member) => !member.isLearner)).toHaveLength(4);
    const listed = await waitFor(async () => {
      const list = await joined.memberList({});
      return list.members.find((member) => member.id === id)?.name === 'm4' ? list : undefined;
    }, 'the new member to publish its name');
    expect(listed.members.map((member) => member.name).sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
    await expect(leader.memberPromote({ id })).rejects.toThrow(
      'etcdserver: can only promote a learner member',
    );
  });

  test('leaseKeepAlive() on a follower renews through the leader', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const follower = [...cluster.nodes.values()].find((node) => node !== leader)!;
    const lease = await waitFor(() => leader.leaseGrant({ ttlSeconds: 5 }), 'grant');
    const renewed = await waitFor(() => follower.leaseKeepAlive({ id: lease.id }), 'keep-alive');
    expect(renewed.ttlSeconds).toBe(5);
    expect((await follower.leaseKeepAlive({ id: 12345 })).ttlSeconds).toBe(0);
  });

  test('memberRemove() of a live voter while another voter is down is refused as etcd refuses it', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    await waitFor(() => leader.put({ key: text.encode('k'), value: text.encode('v') }), 'put');
    const [downId, liveId] = [...cluster.nodes].filter(([, node]) => node !== leader).map(([id]) => id);
    cluster.nodes.get(downId!)!.stop();
    await cluster.transports.get(downId!)!.close();
    await waitFor(
      () => (leader.peersHeardRecently().has(downId!) ? undefined : true),
      'the leader to stop hearing from the killed member',
    );
    await expect(leader.memberRemove({ id: liveId! })).rejects.toThrow('etcdserver: unhealthy cluster');
    // Removing the member that is down leaves the live quorum intact, so etcd allows it.
    const removed = await leader.memberRemove({ id: downId! });
    expect(removed.members.map((member) => member.id)).not.toContain(downId);
  });

  test('memberRemove() of the only voter is refused; a one-member cluster may grow, as etcd allows', async () => {
    const cluster = await startCluster(1);
    const leader = await leaderOf(cluster);
    await expect(leader.memberRemove({ id: 1 })).rejects.toThrow(
      'etcdserver: re-configuration failed due to not enough started members',
    );
    const learner = await leader.memberAdd({ peerUrls: ['http://127.0.0.1:1'], isLearner: true });
    expect(learner.members).toHaveLength(2);
    // etcd's restore case: one started voter may add a second (which costs the quorum
    // until it starts, so this is the last change here).
    const second = await leader.memberAdd({ peerUrls: ['http://127.0.0.1:2'] });
    expect(second.members.filter((member) => !member.isLearner)).toHaveLength(2);
  });

  test('put() on a follower right after the leader died succeeds once a new leader is elected', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    await waitFor(() => leader.put({ key: text.encode('k'), value: text.encode('v1') }), 'put');
    const leaderId = [...cluster.nodes].find(([, node]) => node === leader)![0];
    const [followerId, follower] = [...cluster.nodes].find(([, node]) => node !== leader)!;
    leader.stop();
    await cluster.transports.get(leaderId)!.close();
    cluster.nodes.delete(leaderId);
    // As after a SIGKILL: the follower's connection to the old leader is gone, while it
    // still names that leader (no election timeout has passed yet).
    await waitFor(
      () => (cluster.transports.get(followerId)!.isReachable(leaderId) ? undefined : true),
      'the follower to see its link to the old leader close',
    );
    const put = await follower.put({ key: text.encode('k'), value: text.encode('v2') });
    expect(put.header.revision).toBe(3);
    expect(follower.raftStatus().lead).not.toBe(leaderId);
    const read = await follower.range({ key: text.encode('k') });
    expect(read.kvs.map((kv) => decode(kv.value))).toEqual(['v2']);
  });
});
