// The nemeses' controls on the simulated cluster really happen: a slow fsync stalls the
// member, a failed fsync stops it without losing acknowledged writes, a removed member
// leaves the voter set while the rest still commit, a member added back catches up on
// an empty disk under a new id, and a one-way cut blocks one direction only.

import { describe, expect, test } from 'vitest';
import { followSettlement, settledValue } from '../server/ports/testing/settlement.js';
import type { NodeId } from '../server/raft/types.js';
import { SimEtcdCluster } from './etcd-cluster.js';
import { SimNemesisTarget } from './nemesis-target.js';
import { SimClient, type SimOutcome } from './sim-client.js';

const text = new TextEncoder();
const key = (name: string): Uint8Array => text.encode(name);

function clientOf(cluster: SimEtcdCluster, memberId: NodeId): SimClient {
  return new SimClient(cluster, { memberId, random: cluster.forkRandom(), timeoutMs: 3000 });
}

/** Runs the cluster until `promise` settles (bounded by virtual time). */
async function settle<T>(cluster: SimEtcdCluster, promise: Promise<T>): Promise<T> {
  const settled = followSettlement(promise);
  const done = await cluster.runUntil(() => settled() !== undefined, { timeMsMax: 60_000 });
  expect(done).toBe(true);
  return settledValue(settled()!);
}

function okOf<T>(outcome: SimOutcome<T>): T {
  if (outcome.type !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.response;
}

async function put(cluster: SimEtcdCluster, name: string): Promise<number> {
  const leader = await cluster.waitForLeader();
  const response = okOf(
    await settle(cluster, clientOf(cluster, leader).put({ key: key(name), value: text.encode(name) })),
  );
  return response.header.revision;
}

async function votersOf(cluster: SimEtcdCluster): Promise<number> {
  const leader = await cluster.waitForLeader();
  const list = okOf(
    await settle(
      cluster,
      clientOf(cluster, leader).call('memberList', (s) => s.memberList({})),
    ),
  );
  return list.members.filter((member) => !member.isLearner).length;
}

describe('SimNemesisTarget', () => {
  test('`clockStrobe()` jumps the clock back and forth on virtual time and ends where it began', async () => {
    const lines: string[] = [];
    const cluster = new SimEtcdCluster({ seed: 13, size: 3, onTrace: (line) => lines.push(line) });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    await target.clockStrobe(leader, { deltaMs: 700, periodMs: 50, durationMs: 230 });
    await cluster.runFor(1_000);
    const jumps = lines.filter((line) => line.includes(`clock ${leader} `));
    // floor(230 / 50) = 4 jumps, alternating, summing to zero.
    expect(jumps.map((line) => line.slice(line.indexOf(`clock ${leader} `)))).toEqual([
      `clock ${leader} +700`,
      `clock ${leader} -700`,
      `clock ${leader} +700`,
      `clock ${leader} -700`,
    ]);
    await put(cluster, 'after-strobe');
  });

  test('`diskFault()` slow-fsync stalls the member on every fsync and writes still commit', async () => {
    const cluster = new SimEtcdCluster({ seed: 11, size: 3 });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    await put(cluster, 'before');
    await target.diskFault(leader, { type: 'slow-fsync', latencyMs: 200 });
    const startMs = cluster.nowMs();
    await put(cluster, 'during');
    expect(cluster.disk(leader).stats.stalls).toBeGreaterThan(0);
    expect(cluster.nowMs() - startMs).toBeGreaterThanOrEqual(200);
    await target.clearDiskFault(leader);
    const stalls = cluster.disk(leader).stats.stalls;
    await put(cluster, 'after');
    expect(cluster.disk(leader).stats.stalls).toBe(stalls);
  });

  test('`diskFault()` fail-fsync stops the member and loses no acknowledged write', async () => {
    const cluster = new SimEtcdCluster({ seed: 12, size: 3 });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    await put(cluster, 'a');
    await target.diskFault(follower, { type: 'fail-fsync' });
    const revision = await put(cluster, 'b');
    await cluster.runFor(100);
    expect(await target.stateOf(follower)).toBe('down');
    expect(cluster.disk(follower).stats.failedSyncs).toBe(1);
    await target.clearDiskFault(follower);
    await target.restart(follower);
    const caughtUp = await cluster.runUntil(() => (cluster.node(follower)?.revision ?? 0) >= revision, {
      timeMsMax: 10_000,
    });
    expect(caughtUp).toBe(true);
    const hashes = [...(await settle(cluster, cluster.storeHashes())).values()];
    expect(new Set(hashes).size).toBe(1);
  });

  test('`restart()` onto a disk whose next fsync fails stops the member again; then it starts and catches up', async () => {
    const cluster = new SimEtcdCluster({ seed: 16, size: 3 });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    const revision = await put(cluster, 'a');
    await target.crash(follower, {});
    await target.diskFault(follower, { type: 'fail-fsync' });
    await target.restart(follower);
    await cluster.runFor(500);
    expect(await target.stateOf(follower)).toBe('down');
    await target.clearDiskFault(follower);
    await target.restart(follower);
    const caughtUp = await cluster.runUntil(() => (cluster.node(follower)?.revision ?? 0) >= revision, {
      timeMsMax: 10_000,
    });
    expect(caughtUp).toBe(true);
    expect(await target.stateOf(follower)).toBe('up');
  });

  test('`removeMember()` leaves N-1 voters that still commit; `addMember()` brings a fresh member back', async () => {
    const cluster = new SimEtcdCluster({ seed: 13, size: 3 });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    await put(cluster, 'a');
    await settle(cluster, target.removeMember(follower));
    expect(await target.stateOf(follower)).toBe('removed');
    expect(await votersOf(cluster)).toBe(2);
    const revision = await put(cluster, 'b');
    await settle(cluster, target.addMember(follower));
    expect(await target.stateOf(follower)).toBe('up');
    expect(cluster.raftIdOf(follower)).not.toBe(follower);
    expect(await votersOf(cluster)).toBe(3);
    const caughtUp = await cluster.runUntil(() => (cluster.node(follower)?.revision ?? 0) >= revision, {
      timeMsMax: 10_000,
    });
    expect(caughtUp).toBe(true);
    const last = await put(cluster, 'c');
    const applied = await cluster.runUntil(
      () => cluster.memberIds.every((id) => (cluster.node(id)?.revision ?? 0) >= last),
      { timeMsMax: 10_000 },
    );
    expect(applied).toBe(true);
    const hashes = [...(await settle(cluster, cluster.storeHashes())).values()];
    expect(hashes).toHaveLength(3);
    expect(new Set(hashes).size).toBe(1);
  });

  test('`removeMember()` of the leader hands leadership over and the cluster still commits', async () => {
    const cluster = new SimEtcdCluster({ seed: 14, size: 3 });
    const target = new SimNemesisTarget(cluster);
    const leader = await cluster.waitForLeader();
    await settle(cluster, target.removeMember(leader));
    expect(await target.stateOf(leader)).toBe('removed');
    const next = await cluster.waitForLeader();
    expect(next).not.toBe(leader);
    expect(await put(cluster, 'after')).toBeGreaterThan(1);
    // A removed slot can be added back twice over; each time under a new id.
    await settle(cluster, target.addMember(leader));
    const firstId = cluster.raftIdOf(leader);
    await put(cluster, 'again');
    await settle(cluster, target.removeMember(leader));
    await settle(cluster, target.addMember(leader));
    expect(cluster.raftIdOf(leader)).not.toBe(firstId);
    expect(await votersOf(cluster)).toBe(3);
  });

  test('`blockLink()` cuts one direction only', async () => {
    const cluster = new SimEtcdCluster({ seed: 15, size: 3 });
    const target = new SimNemesisTarget(cluster);
    await target.blockLink(1, 2);
    expect(cluster.network.isBlocked(1, 2)).toBe(true);
    expect(cluster.network.isBlocked(2, 1)).toBe(false);
    await target.heal();
    expect(cluster.network.isBlocked(1, 2)).toBe(false);
  });
});
