// Leader transfer (Raft thesis §3.10): the leader brings the transferee up to date,
// sends it TimeoutNow, and gives up after an election timeout.

import { describe, expect, test } from 'vitest';
import { bytes, TestNetwork } from './testing/network.js';

describe('leader transfer (thesis §3.10)', () => {
  test('transferLeadership() hands leadership to an up-to-date follower', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    const term = net.raw(1).status().term;
    net.raw(1).transferLeadership(2);
    net.stabilize();
    expect(net.leader()).toBe(2);
    expect(net.raw(2).status().term).toBe(term + 1);
    expect(net.raw(1).status().lead).toBe(2);
  });

  test('transferLeadership() first catches a lagging transferee up', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let n = 0; n < 5; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    net.heal();
    net.raw(1).transferLeadership(3);
    net.stabilize();
    expect(net.leader()).toBe(3);
    expect(net.node(3).applied).toHaveLength(5);
  });

  test('transferLeadership() on a follower is forwarded to the leader', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(2).transferLeadership(3);
    net.stabilize();
    expect(net.leader()).toBe(3);
  });

  test('transferLeadership() drops proposals meanwhile and is abandoned after an election timeout', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    net.raw(1).transferLeadership(3);
    net.stabilize();
    expect(net.raw(1).propose(bytes('during')).type).toBe('dropped');
    net.tickAll(10);
    expect(net.leader()).toBe(1);
    expect(net.raw(1).propose(bytes('after'))).toEqual({ type: 'ok' });
  });
});
