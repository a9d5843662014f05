// Log replication (Raft paper §5.3), the commit rule (§5.4.2, Figure 8), conflict
// repair with the term hint, batching and flow control.

import { describe, expect, test } from 'vitest';
import { bytes, entriesWithTerms, storageWith, TestNetwork, text } from './testing/network.js';
import type { Message } from './types.js';

function appsTo(messages: readonly Message[], to: number): Message[] {
  return messages.filter((m) => m.type === 'app' && m.to === to && m.entries.length > 0);
}

describe('log replication (§5.3)', () => {
  test('propose() replicates and commits an entry on every node in order', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    for (let n = 0; n < 5; n++) {
      expect(net.raw(1).propose(bytes(`v${n}`))).toEqual({ type: 'ok' });
      net.stabilize();
    }
    for (const id of net.ids()) {
      expect(net.node(id).applied.map((entry) => text(entry.data))).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
    }
  });

  test('propose() on a follower forwards to the leader', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    expect(net.raw(3).propose(bytes('from-follower'))).toEqual({ type: 'ok' });
    net.stabilize();
    expect(net.node(1).applied.map((entry) => text(entry.data))).toEqual(['from-follower']);
  });

  test('propose() without a known leader is dropped with a reason', () => {
    const net = new TestNetwork([1, 2, 3]);
    const result = net.raw(2).propose(bytes('x'));
    expect(result.type).toBe('dropped');
  });

  test('ready() batches the proposals since the last Ready into one append per follower', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    const before = net.sent.length;
    for (let n = 0; n < 100; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    const apps = appsTo(net.sent.slice(before), 2);
    expect(apps).toHaveLength(1);
    expect(apps[0]?.entries).toHaveLength(100);
    expect(net.node(2).applied).toHaveLength(100);
  });

  test('ready() splits a batch at maxSizePerMsgBytes', () => {
    // Each entry counts 16 bytes of overhead plus its 4-byte payload: 3 fit in 64 bytes.
    const net = new TestNetwork([1, 2, 3], { config: { maxSizePerMsgBytes: 64 } });
    net.campaign(1);
    const before = net.sent.length;
    for (let n = 0; n < 30; n++) net.raw(1).propose(bytes(`v${String(n).padStart(3, '0')}`));
    net.stabilize();
    const apps = appsTo(net.sent.slice(before), 2);
    expect(Math.max(...apps.map((m) => m.entries.length))).toBe(3);
    expect(apps.reduce((sum, m) => sum + m.entries.length, 0)).toBe(30);
    expect(net.node(2).applied).toHaveLength(30);
  });

  test('ready() keeps at most maxInflightMsgs appends unacknowledged per follower', () => {
    const net = new TestNetwork([1, 2, 3], { config: { maxInflightMsgs: 2, maxSizePerMsgBytes: 20 } });
    net.campaign(1);
    // Node 2's acknowledgments are lost: the window fills and the leader stops sending.
    net.filter = (m) => !(m.type === 'appResp' && m.from === 2);
    const before = net.sent.length;
    for (let n = 0; n < 10; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    expect(appsTo(net.sent.slice(before), 2)).toHaveLength(2);
    expect(appsTo(net.sent.slice(before), 3).length).toBeGreaterThanOrEqual(10);
    // Once the link heals, heartbeats reopen the window and node 2 catches up.
    net.heal();
    net.tickAll(5);
    expect(net.node(2).applied).toHaveLength(10);
  });

  test('step() repairs a follower with a long divergent log in few round trips (§5.3 hint)', () => {
    const leaderLog = entriesWithTerms(1, [1, ...Array<number>(50).fill(3)]);
    const divergent = entriesWithTerms(1, [1, ...Array<number>(80).fill(2)], 'old');
    const voters = [1, 2, 3];
    const net = new TestNetwork(voters, {
      storages: new Map([
        [1, storageWith({ voters, entries: leaderLog, term: 3, commit: 1 })],
        [2, storageWith({ voters, entries: divergent, term: 3, commit: 1 })],
        [3, storageWith({ voters, entries: leaderLog, term: 3, commit: 1 })],
      ]),
    });
    const before = net.sent.length;
    net.campaign(1);
    const rejections = net.sent.slice(before).filter((m) => m.type === 'appResp' && m.from === 2 && m.reject);
    expect(rejections.length).toBeLessThanOrEqual(2);
    expect(net.raw(2).status().commit).toBe(52);
    expect(net.node(2).storage.term(51)).toBe(3);
    expect(net.node(2).storage.lastIndex()).toBe(52);
  });
});

describe('commit rule (§5.4.2)', () => {
  /**
   * Figure 8 with three nodes. Node 3 led term 3 and wrote "b" at index 2; node 1 led
   * term 2 and wrote "a" at index 2; node 2 has only index 1. Node 1 wins term 4 and
   * copies "a" to node 2: a majority holds it, but it is from term 2.
   */
  function figure8(plantedBug: boolean): TestNetwork {
    const voters = [1, 2, 3];
    const first = entriesWithTerms(1, [1]);
    const net = new TestNetwork(voters, {
      config: { maxSizePerMsgBytes: 1, plantedBugs: { commitOldTermByCounting: plantedBug } },
      storages: new Map([
        [
          1,
          storageWith({ voters, entries: [...first, ...entriesWithTerms(2, [2], 'a')], term: 3, commit: 1 }),
        ],
        [2, storageWith({ voters, entries: first, term: 3, commit: 1 })],
        [
          3,
          storageWith({ voters, entries: [...first, ...entriesWithTerms(2, [3], 'b')], term: 3, commit: 1 }),
        ],
      ]),
    });
    net.crash(3);
    // Node 2 receives the old entry but never the leader's own term-4 entry (the first
    // probe carrying it is let through: node 2 lacks index 2 and rejects it anyway).
    let probes = 0;
    net.filter = (m) => !(m.type === 'app' && m.entries.some((entry) => entry.term === 4) && probes++ > 0);
    net.campaign(1);
    expect(net.raw(1).status()).toMatchObject({ state: 'leader', term: 4 });
    expect(net.node(2).storage.term(2)).toBe(2);
    return net;
  }

  test('maybeCommit() does not commit an old-term entry replicated to a majority', () => {
    const net = figure8(false);
    expect(net.raw(1).status().commit).toBe(1);
    // Node 1 dies; node 3 wins term 5 and overwrites index 2: no committed entry is lost.
    net.crash(1);
    net.heal();
    net.restart(3);
    net.tickAll(60);
    expect(net.leader()).toBe(3);
    expect(text((net.node(2).applied[1] ?? { data: bytes('') }).data)).toBe('b2');
    expect(net.node(1).applied.map((entry) => text(entry.data))).toEqual(['e1']);
  });

  test('maybeCommit() with the commitOldTermByCounting planted bug loses a committed entry', () => {
    const net = figure8(true);
    expect(net.raw(1).status().commit).toBe(2);
    net.crash(1);
    net.heal();
    net.restart(3);
    net.tickAll(60);
    expect(net.leader()).toBe(3);
    // Two nodes applied different entries at index 2: state machine safety is broken.
    expect(text((net.node(1).applied[1] ?? { data: bytes('') }).data)).toBe('a2');
    expect(text((net.node(2).applied[1] ?? { data: bytes('') }).data)).toBe('b2');
  });
});
