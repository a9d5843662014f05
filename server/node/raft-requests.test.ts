// RaftRequests.readBarrier() tests with a recording stand-in for the Raft loop and a
// hand-driven clock: the reads of one turn share one ReadIndex, asked for at the end of
// the turn; a read arriving after that gets a ReadIndex of its own; reads resolve only
// once the applied index reaches their confirmed index. Requests made while no leader is
// reachable are held, not sent, and go to Raft once one is (or time out).

import { describe, expect, test } from 'vitest';
import { EtcdError } from '../api/errors.js';
import type { ApplyOutcome, ApplyRequest } from '../apply/apply-request.js';
import { decodeRaftRequest } from '../apply/request-codec.js';
import { Xoshiro128 } from '../ports/random.js';
import { ManualClock } from '../ports/testing/manual-clock.js';
import type { RaftLoop } from './raft-loop.js';
import { RaftRequests } from './raft-requests.js';
import { RequestIds } from './request-ids.js';

async function flush(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
}

function setUp() {
  const clock = new ManualClock();
  const asked: Uint8Array[] = [];
  const proposed: Uint8Array[] = [];
  const leader = { reachable: true };
  const loop = {
    applied: 0,
    readIndex: (context: Uint8Array) => asked.push(context),
    propose: (data: Uint8Array) => {
      proposed.push(data);
      return { type: 'ok' as const };
    },
  };
  const requests = new RaftRequests(loop as unknown as RaftLoop, new RequestIds(1, new Xoshiro128(3)), {
    clock,
    requestTimeoutMs: 1000,
    pendingRequestsMax: 100,
    leaderReachable: () => leader.reachable,
    leaderRetryMs: 100,
    timeoutError: () => EtcdError.of('timeoutDueToConnectionLost'),
  });
  return { clock, asked, proposed, leader, loop, requests };
}

const put: ApplyRequest = {
  type: 'put',
  request: { key: new Uint8Array([1]), value: new Uint8Array([2]) },
};

describe('RaftRequests', () => {
  test('readBarrier() asks one ReadIndex for all reads of a turn and resolves them when applied', async () => {
    const { clock, asked, loop, requests } = setUp();
    let resolved = 0;
    for (let read = 0; read < 5; read++) void requests.readBarrier().then(() => resolved++);
    expect(asked).toHaveLength(0);
    clock.advance(0);
    expect(asked).toHaveLength(1);
    requests.onReadStates([{ index: 3, requestContext: asked[0]! }]);
    await flush();
    expect(resolved).toBe(0);
    loop.applied = 3;
    requests.onApplied(3);
    await flush();
    expect(resolved).toBe(5);
  });

  test('readBarrier() gives a read after the ReadIndex was asked a ReadIndex of its own', async () => {
    const { clock, asked, loop, requests } = setUp();
    const first = requests.readBarrier();
    clock.advance(0);
    const second = requests.readBarrier();
    expect(second).not.toBe(first);
    clock.advance(0);
    expect(asked).toHaveLength(2);
    expect(asked[0]).not.toEqual(asked[1]);
    loop.applied = 7;
    requests.onReadStates([
      { index: 5, requestContext: asked[0]! },
      { index: 7, requestContext: asked[1]! },
    ]);
    await expect(first).resolves.toBeUndefined();
    await expect(second).resolves.toBeUndefined();
  });

  test('propose() holds a request while no leader is reachable and sends it once, when one is', async () => {
    const { clock, proposed, leader, requests } = setUp();
    leader.reachable = false;
    const answer = requests.propose(put);
    clock.advance(300);
    expect(proposed).toHaveLength(0);
    expect(requests.heldCount).toBe(1);
    leader.reachable = true;
    requests.releaseHeld();
    requests.releaseHeld();
    expect(proposed).toHaveLength(1);
    expect(requests.heldCount).toBe(0);
    // The retry timer finds nothing more to send.
    clock.advance(300);
    expect(proposed).toHaveLength(1);
    const sent = decodeRaftRequest(proposed[0]!);
    requests.settleProposal(sent.id, { type: 'ok', response: { type: 'put', response: {} } } as ApplyOutcome);
    await expect(answer).resolves.toMatchObject({ type: 'ok' });
  });

  test('propose() sends a held request on the retry timer once the leader becomes reachable', () => {
    const { clock, proposed, leader, requests } = setUp();
    leader.reachable = false;
    void requests.propose(put).catch(() => {});
    clock.advance(100);
    expect(proposed).toHaveLength(0);
    leader.reachable = true;
    clock.advance(100);
    expect(proposed).toHaveLength(1);
  });

  test('readBarrier() and propose() held past their timeout fail with the timeout error and are never sent', async () => {
    const { clock, asked, proposed, leader, requests } = setUp();
    leader.reachable = false;
    const read = requests.readBarrier();
    const write = requests.propose(put);
    clock.advance(0);
    for (let step = 0; step < 11; step++) clock.advance(100);
    await expect(read).rejects.toThrow('etcdserver: request timed out, possibly due to connection lost');
    await expect(write).rejects.toThrow('etcdserver: request timed out, possibly due to connection lost');
    leader.reachable = true;
    requests.releaseHeld();
    clock.advance(100);
    expect([asked.length, proposed.length, requests.heldCount]).toEqual([0, 0, 0]);
  });
});
