// The RawNode surface and the Ready contract (Raft paper §5.1: persist before
// responding): what a Ready carries, when it must be synced, restarts from storage,
// and the forgetVoteInHardState planted bug.

import { describe, expect, test } from 'vitest';
import { AssertionError } from '../assert.js';
import { Xoshiro128 } from '../ports/random.js';
import { decodeConfChange } from './conf-change.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';
import { bytes, entriesWithTerms, storageWith, TestNetwork } from './testing/network.js';
import { message } from './types.js';

describe('RawNode and the Ready contract', () => {
  test('ready() of a new cluster carries the membership as committed bootstrap entries', () => {
    const node = new RawNode({
      id: 1,
      peers: [1, 2, 3],
      storage: new MemoryStorage(),
      random: new Xoshiro128(1),
    });
    expect(node.hasReady()).toBe(true);
    const ready = node.ready();
    expect(ready.entries.map((entry) => [entry.index, entry.term, entry.type])).toEqual([
      [1, 1, 'confChange'],
      [2, 1, 'confChange'],
      [3, 1, 'confChange'],
    ]);
    expect(ready.hardState).toEqual({ term: 1, vote: 0, commit: 3 });
    expect(ready.mustSync).toBe(true);
    expect(ready.committedEntries.map((entry) => decodeConfChange(entry.data))).toEqual([
      { type: 'addVoter', nodeId: 1 },
      { type: 'addVoter', nodeId: 2 },
      { type: 'addVoter', nodeId: 3 },
    ]);
    node.advance(ready);
    expect(node.hasReady()).toBe(false);
  });

  test('RawNode restarts from storage alone, without peers', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.raw(1).propose(bytes('kept'));
    net.stabilize();
    net.crash(2);
    net.restart(2);
    net.stabilize();
    expect(net.raw(2).status().confState.voters).toEqual([1, 2, 3]);
    expect(net.node(2).applied).toHaveLength(1);
    expect(net.raw(2).status().term).toBe(net.raw(1).status().term);
  });

  test('ready() puts a granted vote in the same Ready as its answer, to be synced first (§5.1)', () => {
    const storage = storageWith({ voters: [1, 2, 3], entries: entriesWithTerms(1, [1]), term: 1, commit: 1 });
    const node = new RawNode({ id: 1, storage, random: new Xoshiro128(1) });
    node.step(message({ type: 'vote', from: 2, to: 1, term: 2, index: 1, logTerm: 1 }));
    const ready = node.ready();
    expect(ready.messages.map((m) => [m.type, m.reject])).toEqual([['voteResp', false]]);
    expect(ready.hardState).toEqual({ term: 2, vote: 2, commit: 1 });
    expect(ready.mustSync).toBe(true);
  });

  test('ready() with the forgetVoteInHardState planted bug omits the vote', () => {
    const storage = storageWith({ voters: [1, 2, 3], entries: entriesWithTerms(1, [1]), term: 1, commit: 1 });
    const node = new RawNode({
      id: 1,
      storage,
      random: new Xoshiro128(1),
      plantedBugs: { forgetVoteInHardState: true },
    });
    node.step(message({ type: 'vote', from: 2, to: 1, term: 2, index: 1, logTerm: 1 }));
    const ready = node.ready();
    expect(ready.messages.map((m) => [m.type, m.reject])).toEqual([['voteResp', false]]);
    expect(ready.hardState).toEqual({ term: 2, vote: 0, commit: 1 });
    node.advance(ready);
    storage.setHardState(ready.hardState ?? { term: 0, vote: 0, commit: 0 });
    // After a crash the node has forgotten its vote and grants a second one in term 2.
    const restarted = new RawNode({ id: 1, storage, random: new Xoshiro128(2) });
    restarted.step(message({ type: 'vote', from: 3, to: 1, term: 2, index: 1, logTerm: 1 }));
    expect(restarted.ready().messages.map((m) => [m.to, m.reject])).toEqual([[3, false]]);
  });

  test('ready() twice without advance() is an assertion failure', () => {
    const node = new RawNode({ id: 1, peers: [1], storage: new MemoryStorage(), random: new Xoshiro128(1) });
    node.ready();
    expect(() => node.ready()).toThrow(AssertionError);
  });

  test('step() ignores local-only, misaddressed and unknown-peer messages', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    const before = net.raw(2).status();
    net.raw(2).step(message({ type: 'hup', from: 3, to: 2 }));
    net.raw(2).step(message({ type: 'app', from: 1, to: 3, term: 99 }));
    net.raw(1).step(message({ type: 'appResp', from: 42, to: 1, term: before.term, index: 100 }));
    expect(net.raw(2).status()).toEqual(before);
    expect(net.raw(1).status().state).toBe('leader');
  });

  test('status() reports the leader view of each follower', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    const status = net.raw(1).status();
    expect(status.progress?.get(2)).toMatchObject({ match: status.commit, state: 'replicate' });
    expect(net.raw(2).status().progress).toBeUndefined();
  });

  test('propose() drops proposals beyond maxUncommittedEntriesBytes', () => {
    const net = new TestNetwork([1, 2, 3], { config: { maxUncommittedEntriesBytes: 10 } });
    net.campaign(1);
    net.isolate(1);
    expect(net.raw(1).propose(new Uint8Array(8)).type).toBe('ok');
    expect(net.raw(1).propose(new Uint8Array(8)).type).toBe('dropped');
    net.heal();
    net.tickAll(2);
    expect(net.raw(1).propose(new Uint8Array(8)).type).toBe('ok');
  });
});

describe('determinism', () => {
  function trace(seed: number): string[] {
    const net = new TestNetwork([1, 2, 3, 4, 5], { seed, config: { preVote: false } });
    for (const id of net.ids()) net.raw(id).campaign();
    net.stabilize();
    for (let round = 0; round < 100 && net.leader() === undefined; round++) net.tickAll(1);
    return net.sent.map((m) => `${m.from}->${m.to} ${m.type} ${m.term} ${m.index} ${m.reject}`);
  }

  test('RawNode draws all randomness from the injected Random: one seed, one trace', () => {
    expect(trace(99)).toEqual(trace(99));
    const traces = new Set([1, 2, 3, 4, 5, 6].map((seed) => trace(seed).join('\n')));
    expect(traces.size).toBeGreaterThan(1);
  });
});
