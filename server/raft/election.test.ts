// Leader election (Raft paper §5.2, §5.4.1; thesis §9.6 PreVote, §6.2 CheckQuorum).

import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { Xoshiro128 } from '../ports/random.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import { TestNetwork } from './testing/network.js';
import { type Entry, type Message, message } from './types.js';

const propertyRuns = Number(process.env.RAFT_PROPERTY_RUNS ?? 30);

function ticksUntilCampaign(seed: number): number {
  const net = new TestNetwork([1, 2, 3], { seed });
  net.isolate(1);
  const node = net.raw(1);
  for (let ticks = 1; ticks <= 100; ticks++) {
    node.tick();
    if (node.status().state !== 'follower') return ticks;
  }
  return -1;
}

describe('election (§5.2)', () => {
  test('campaign() makes a single-node cluster leader at once and commits its empty entry', () => {
    const net = new TestNetwork([1]);
    net.campaign(1);
    const status = net.raw(1).status();
    expect(status.state).toBe('leader');
    expect(status.term).toBe(2);
    expect(status.commit).toBe(2);
  });

  test('tick() elects exactly one leader in a 3-node cluster', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.tickAll(40);
    const leaders = net.ids().filter((id) => net.raw(id).status().state === 'leader');
    expect(leaders).toHaveLength(1);
    const leader = leaders[0] as number;
    for (const id of net.ids()) expect(net.raw(id).status().lead).toBe(leader);
  });

  propertyTest.prop([fc.integer({ min: 1, max: 2 ** 31 })], { numRuns: propertyRuns, seed: 42 })(
    'tick() draws the election timeout from [electionTicks, 2*electionTicks)',
    (seed) => {
      const ticks = ticksUntilCampaign(seed);
      expect(ticks).toBeGreaterThanOrEqual(10);
      expect(ticks).toBeLessThan(20);
    },
  );

  test('tick() timeouts differ between seeds (randomized, §5.2)', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) seen.add(ticksUntilCampaign(seed));
    expect(seen.size).toBeGreaterThan(3);
  });

  propertyTest.prop([fc.integer({ min: 1, max: 2 ** 31 })], { numRuns: propertyRuns, seed: 7 })(
    'tick() resolves split votes: a 5-node cluster always ends with one leader (§5.2)',
    (seed) => {
      const net = new TestNetwork([1, 2, 3, 4, 5], { seed, config: { preVote: false } });
      // Everybody campaigns at once: votes split, and randomized timeouts break the tie.
      for (const id of net.ids()) net.raw(id).campaign();
      net.stabilize();
      for (let round = 0; round < 200 && net.leader() === undefined; round++) net.tickAll(1);
      expect(net.leader()).toBeDefined();
      const term = net.raw(net.leader() as number).status().term;
      const leadersInTerm = net.ids().filter((id) => {
        const status = net.raw(id).status();
        return status.state === 'leader' && status.term === term;
      });
      expect(leadersInTerm).toHaveLength(1);
    },
  );
});

describe('vote rules (§5.2, §5.4.1)', () => {
  function voteRequest(fields: { from: number; term: number; index: number; logTerm: number }): Message {
    return message({ type: 'vote', to: 1, ...fields });
  }

  function nodeWithLog(entries: Entry[], term: number): RawNode {
    const storage = new MemoryStorage();
    storage.append(entries);
    storage.setHardState({ term, vote: 0, commit: 0 });
    return new RawNode({ id: 1, storage, random: new Xoshiro128(1), ...{} });
  }

  function responses(node: RawNode): Message[] {
    const ready = node.ready();
    node.advance(ready);
    return ready.messages.filter((m) => m.type === 'voteResp');
  }

  const log: Entry[] = [
    { term: 1, index: 1, type: 'normal', data: new Uint8Array(0) },
    { term: 2, index: 2, type: 'normal', data: new Uint8Array(0) },
  ];

  test('step() grants one vote per term and refuses a second candidate (§5.2)', () => {
    const node = nodeWithLog(log, 2);
    node.step(voteRequest({ from: 2, term: 3, index: 2, logTerm: 2 }));
    node.step(voteRequest({ from: 3, term: 3, index: 2, logTerm: 2 }));
    const answers = responses(node);
    expect(answers.map((m) => [m.to, m.reject])).toEqual([
      [2, false],
      [3, true],
    ]);
    expect(node.status().vote).toBe(2);
  });

  test('step() grants a repeated request from the candidate it voted for', () => {
    const node = nodeWithLog(log, 2);
    node.step(voteRequest({ from: 2, term: 3, index: 2, logTerm: 2 }));
    node.step(voteRequest({ from: 2, term: 3, index: 2, logTerm: 2 }));
    expect(responses(node).map((m) => m.reject)).toEqual([false, false]);
  });

  test.each([
    { name: 'lower last term', index: 5, logTerm: 1, granted: false },
    { name: 'same term, shorter log', index: 1, logTerm: 2, granted: false },
    { name: 'same term, same length', index: 2, logTerm: 2, granted: true },
    { name: 'higher last term, shorter log', index: 1, logTerm: 3, granted: true },
  ])('step() applies the up-to-date check (§5.4.1): $name', ({ index, logTerm, granted }) => {
    const node = nodeWithLog(log, 2);
    node.step(voteRequest({ from: 2, term: 3, index, logTerm }));
    expect(responses(node)[0]?.reject).toBe(!granted);
  });

  test('step() with the voteWithoutLogCheck planted bug grants a vote to a stale log', () => {
    const storage = new MemoryStorage();
    storage.append(log);
    storage.setHardState({ term: 2, vote: 0, commit: 0 });
    const node = new RawNode({
      id: 1,
      storage,
      random: new Xoshiro128(1),
      plantedBugs: { voteWithoutLogCheck: true },
    });
    node.step(voteRequest({ from: 2, term: 3, index: 1, logTerm: 1 }));
    expect(responses(node)[0]?.reject).toBe(false);
  });
});

describe('PreVote (thesis §9.6)', () => {
  test('tick() on a partitioned node does not inflate its term', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    const term = net.raw(1).status().term;
    net.isolate(3);
    net.tickAll(100);
    expect(net.raw(3).status().term).toBe(term);
    net.heal();
    net.tickAll(20);
    // Rejoining does not disturb the leader.
    expect(net.leader()).toBe(1);
    expect(net.raw(1).status().term).toBe(term);
  });

  test('tick() without PreVote lets a partitioned node inflate its term and depose the leader', () => {
    const net = new TestNetwork([1, 2, 3], { config: { preVote: false, checkQuorum: false } });
    net.campaign(1);
    const term = net.raw(1).status().term;
    net.isolate(3);
    net.tickAll(100);
    expect(net.raw(3).status().term).toBeGreaterThan(term + 2);
  });
});

describe('CheckQuorum (thesis §6.2)', () => {
  test('tick() makes a leader cut off from its quorum step down', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(1);
    net.tickAll(25);
    expect(net.raw(1).status().state).not.toBe('leader');
  });

  test('step() ignores a vote request inside the leader lease', () => {
    const net = new TestNetwork([1, 2, 3], { config: { preVote: false } });
    net.campaign(1);
    const term = net.raw(1).status().term;
    // Node 3 campaigns while 1 and 2 hear from the leader: they ignore it.
    net.raw(3).campaign();
    net.stabilize();
    expect(net.raw(1).status().state).toBe('leader');
    expect(net.raw(2).status().term).toBe(term);
    expect(net.raw(2).status().vote).toBe(1);
  });
});
