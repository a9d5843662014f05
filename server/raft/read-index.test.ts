// ReadIndex (Raft thesis §6.4): a linearizable read point, given only after a
// heartbeat round confirms leadership, and only once the leader committed an entry
// of its own term. Followers forward the request to the leader.

import { describe, expect, test } from 'vitest';
import { bytes, TestNetwork, text } from './testing/network.js';

describe('ReadIndex (thesis §6.4)', () => {
  test('readIndex() on the leader answers only after a quorum acknowledged a heartbeat', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(1).propose(bytes('x'));
    net.stabilize();
    net.raw(1).readIndex(bytes('read-1'));
    net.processReady(1);
    expect(net.node(1).readStates).toHaveLength(0);
    const heartbeats = net.queue.filter((m) => m.type === 'heartbeat');
    expect(heartbeats).toHaveLength(2);
    net.stabilize();
    expect(net.node(1).readStates).toHaveLength(1);
    expect(net.node(1).readStates[0]?.index).toBe(net.raw(1).status().commit);
    expect(text(net.node(1).readStates[0]?.requestContext ?? bytes(''))).toBe('read-1');
  });

  test('readIndex() on a leader cut off from its quorum is never answered', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(1);
    net.raw(1).readIndex(bytes('stale?'));
    net.stabilize();
    net.tickAll(3);
    expect(net.node(1).readStates).toHaveLength(0);
  });

  test('readIndex() with the readIndexWithoutQuorum planted bug answers from a deposed leader', () => {
    const net = new TestNetwork([1, 2, 3], { config: { plantedBugs: { readIndexWithoutQuorum: true } } });
    net.campaign(1);
    net.isolate(1);
    // Nodes 2 and 3 elect a new leader and commit a write that node 1 never sees; node 1
    // has not ticked, so it still believes it leads.
    for (let round = 0; round < 60 && net.raw(2).status().lead <= 1; round++) {
      net.tick(2);
      net.tick(3);
      net.stabilize();
    }
    const newLeader = net.raw(2).status().lead;
    expect([2, 3]).toContain(newLeader);
    net.raw(newLeader).propose(bytes('new'));
    net.stabilize();
    expect(net.node(2).applied.map((entry) => text(entry.data))).toEqual(['new']);
    expect(net.raw(1).status().state).toBe('leader');
    net.raw(1).readIndex(bytes('stale'));
    net.stabilize();
    // The old leader answers at once with a read point that misses the committed write.
    expect(net.node(1).readStates).toHaveLength(1);
    expect(net.node(1).readStates[0]?.index).toBeLessThan(net.raw(newLeader).status().commit);
  });

  test('readIndex() waits until the new leader has committed an entry of its term', () => {
    const net = new TestNetwork([1, 2, 3]);
    // Hold back the acknowledgments of the new leader's empty entry.
    net.filter = (m) => m.type !== 'appResp';
    net.campaign(1);
    expect(net.raw(1).status().state).toBe('leader');
    net.raw(1).readIndex(bytes('early'));
    net.stabilize();
    expect(net.node(1).readStates).toHaveLength(0);
    net.heal();
    net.tickAll(2);
    expect(net.node(1).readStates).toHaveLength(1);
    expect(net.node(1).readStates[0]?.index).toBe(net.raw(1).status().commit);
  });

  test('readIndex() on a follower is forwarded and answered with the leader read point', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(1).propose(bytes('x'));
    net.stabilize();
    net.raw(3).readIndex(bytes('follower-read'));
    net.stabilize();
    expect(net.node(3).readStates).toHaveLength(1);
    expect(net.node(3).readStates[0]?.index).toBe(net.raw(1).status().commit);
    expect(text(net.node(3).readStates[0]?.requestContext ?? bytes(''))).toBe('follower-read');
  });

  test('readIndex() in a single-node cluster answers at once', () => {
    const net = new TestNetwork([1]);
    net.campaign(1);
    net.raw(1).readIndex(bytes('solo'));
    net.stabilize();
    expect(net.node(1).readStates.map((state) => state.index)).toEqual([net.raw(1).status().commit]);
  });
});
