// Waiters tests on a hand-driven clock: a waiter not settled by its deadline gets etcd's
// "request timed out", settled ones never do, later waiters keep their own deadline, and
// the bound on waiters at once holds.

import { describe, expect, test } from 'vitest';
import { EtcdError } from '../api/errors.js';
import { ManualClock } from '../ports/testing/manual-clock.js';
import { Waiters } from './waiters.js';

type Settled = { readonly id: number; readonly outcome: string };

/** Lets promise callbacks run (a few microtask turns; no timers involved). */
async function flush(): Promise<void> {
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
}

describe('Waiters', () => {
  test('Waiters.wait() times out each unsettled waiter at its own deadline', async () => {
    const clock = new ManualClock();
    const waiters = new Waiters<string>(clock, { timeoutMs: 100, waitersMax: 10 });
    const settled: Settled[] = [];
    const track = (id: number): void => {
      waiters.wait(id).then(
        (value) => settled.push({ id, outcome: value }),
        (error: Error) => settled.push({ id, outcome: error.message }),
      );
    };
    track(1);
    clock.advanceTo(30);
    track(2);
    track(3);
    waiters.resolve(1, 'applied');
    clock.advanceTo(129);
    await flush();
    expect(settled).toEqual([{ id: 1, outcome: 'applied' }]);
    waiters.resolve(3, 'applied');
    clock.advanceTo(130);
    await flush();
    expect(settled).toEqual([
      { id: 1, outcome: 'applied' },
      { id: 3, outcome: 'applied' },
      { id: 2, outcome: 'etcdserver: request timed out' },
    ]);
    expect(waiters.size).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  test('Waiters.wait() refuses waiters past its bound', async () => {
    const waiters = new Waiters<string>(new ManualClock(), { timeoutMs: 100, waitersMax: 2 });
    const first = waiters.wait(1);
    const second = waiters.wait(2);
    await expect(waiters.wait(3)).rejects.toThrow('etcdserver: too many requests');
    waiters.rejectAll(EtcdError.of('noLeader'));
    await expect(first).rejects.toThrow('etcdserver: no leader');
    await expect(second).rejects.toThrow('etcdserver: no leader');
    expect(waiters.size).toBe(0);
  });

  test('Waiters.wait() times out with the error the owner picks from when the waiter began', async () => {
    const clock = new ManualClock();
    const waiters = new Waiters<string>(clock, {
      timeoutMs: 100,
      waitersMax: 10,
      timeoutError: (startedMs) => EtcdError.of(startedMs < 50 ? 'timeoutDueToLeaderFail' : 'timeout'),
    });
    const early = waiters.wait(1);
    clock.advanceTo(60);
    const late = waiters.wait(2);
    clock.advanceTo(200);
    await expect(early).rejects.toThrow(
      'etcdserver: request timed out, possibly due to previous leader failure',
    );
    await expect(late).rejects.toThrow(/^etcdserver: request timed out$/);
  });
});
