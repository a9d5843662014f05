// Single-server membership changes (Raft thesis §4.1, §4.2.1): add and remove voters,
// learners that replicate without voting, promotion, one change at a time, and a
// removed leader stepping down.

import { describe, expect, test } from 'vitest';
import { bytes, TestNetwork } from './testing/network.js';

function leaderOf(net: TestNetwork): number {
  const leader = net.leader();
  expect(leader).toBeDefined();
  return leader as number;
}

describe('membership changes (thesis §4.1)', () => {
  test('proposeConfChange() adds a voter that catches up and counts for commitment', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.addNode(4);
    expect(net.raw(1).proposeConfChange({ type: 'addVoter', nodeId: 4 })).toEqual({ type: 'ok' });
    net.stabilize();
    for (const id of [1, 2, 3, 4]) expect(net.raw(id).status().confState.voters).toEqual([1, 2, 3, 4]);
    // With 4 voters a quorum is 3: nodes 1 and 4 alone cannot commit.
    net.isolate(2);
    net.isolate(3);
    net.raw(1).propose(bytes('needs-three'));
    net.stabilize();
    expect(net.node(4).applied).toHaveLength(0);
    net.heal();
    net.tickAll(2);
    expect(net.node(4).applied).toHaveLength(1);
  });

  test('proposeConfChange() removes a voter, shrinking the quorum', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(1).proposeConfChange({ type: 'removeNode', nodeId: 3 });
    net.stabilize();
    expect(net.raw(1).status().confState.voters).toEqual([1, 2]);
    expect(net.raw(1).status().progress?.has(3)).toBe(false);
    net.crash(3);
    net.raw(1).propose(bytes('two-of-two'));
    net.stabilize();
    expect(net.node(2).applied).toHaveLength(1);
  });

  test('proposeConfChange() refuses a second change while one is unapplied', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', nodeId: 4 }).type).toBe('ok');
    const second = net.raw(1).proposeConfChange({ type: 'addLearner', nodeId: 5 });
    expect(second.type).toBe('dropped');
    net.stabilize();
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', nodeId: 5 }).type).toBe('ok');
  });

  test('proposeConfChange() refuses to remove the last voter or add an existing one', () => {
    const net = new TestNetwork([1]);
    net.campaign(1);
    expect(net.raw(1).proposeConfChange({ type: 'removeNode', nodeId: 1 }).type).toBe('dropped');
    expect(net.raw(1).proposeConfChange({ type: 'addVoter', nodeId: 1 }).type).toBe('dropped');
  });

  test('a learner receives entries but neither votes nor counts, until promoted', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.addNode(4);
    net.raw(1).proposeConfChange({ type: 'addLearner', nodeId: 4 });
    net.stabilize();
    expect(net.raw(1).status().confState).toEqual({ voters: [1, 2, 3], learners: [4] });
    net.raw(1).propose(bytes('to-learner'));
    net.stabilize();
    expect(net.node(4).applied).toHaveLength(1);
    // A learner never campaigns.
    net.isolate(4);
    net.tickAll(50);
    expect(net.raw(4).status().state).toBe('follower');
    net.heal();
    // Promotion: addVoter of a learner.
    net.tickAll(2);
    net.raw(1).proposeConfChange({ type: 'addVoter', nodeId: 4 });
    net.stabilize();
    expect(net.raw(4).status().confState).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    expect(net.raw(1).status().progress?.get(4)?.isLearner).toBe(false);
  });

  test('applyConfChange() makes a removed leader step down; the rest elect a new one', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(1).proposeConfChange({ type: 'removeNode', nodeId: 1 });
    net.stabilize();
    expect(net.raw(1).status().state).toBe('follower');
    expect(net.raw(2).status().confState.voters).toEqual([2, 3]);
    net.tickAll(60);
    const leader = leaderOf(net);
    expect([2, 3]).toContain(leader);
    net.raw(leader).propose(bytes('after-removal'));
    net.stabilize();
    expect(net.node(2).applied).toHaveLength(1);
    expect(net.node(3).applied).toHaveLength(1);
  });
});
