// The simulated node clock: bumps, drift, timers measured on local time, and timers that
// are never due a hair early on a skewed clock (a re-arming caller would spin forever).

import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { EventQueue } from './event-queue.js';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  test('nowMs() follows world time plus a bump', () => {
    const queue = new EventQueue();
    const clock = new VirtualClock(queue);
    queue.schedule(100, () => {});
    queue.runNext();
    expect(clock.nowMs()).toBe(100);
    clock.bump(-30);
    expect(clock.nowMs()).toBe(70);
    expect(clock.skewMs()).toBe(-30);
  });

  test('setDrift() makes the clock run fast from that moment, without a jump', () => {
    const queue = new EventQueue();
    const clock = new VirtualClock(queue);
    queue.advanceTo(1_000);
    clock.setDrift(100_000); // 10% fast
    expect(clock.nowMs()).toBe(1_000);
    queue.advanceTo(2_000);
    expect(clock.nowMs()).toBeCloseTo(2_100, 9);
  });

  test('setTimer() measures local time: a fast clock fires sooner in world time', () => {
    const queue = new EventQueue();
    const fast = new VirtualClock(queue);
    const slow = new VirtualClock(queue);
    fast.setDrift(250_000);
    slow.setDrift(-500_000);
    const fired: [string, number][] = [];
    fast.setTimer(100, () => fired.push(['fast', queue.nowMs()]));
    slow.setTimer(100, () => fired.push(['slow', queue.nowMs()]));
    while (queue.runNext()) {}
    expect(fired).toEqual([
      ['fast', 80],
      ['slow', 200],
    ]);
  });

  test('setTimer() handles cancel()', () => {
    const queue = new EventQueue();
    const clock = new VirtualClock(queue);
    let fired = false;
    clock
      .setTimer(10, () => {
        fired = true;
      })
      .cancel();
    while (queue.runNext()) {}
    expect(fired).toBe(false);
  });

  propertyTest.prop(
    [
      fc.integer({ min: 0, max: 100_000_000 }),
      fc.integer({ min: -10_000, max: 10_000 }),
      fc.integer({ min: -500_000, max: 500_000 }),
      fc.double({ min: 0, max: 10, noNaN: true }),
    ],
    { seed: 11, numRuns: 300 },
  )(
    '`setTimer()` fires only once local time reached the due time, on any skewed clock',
    (worldUs, bumpMs, driftPpm, delayMs) => {
      const queue = new EventQueue();
      const clock = new VirtualClock(queue);
      queue.advanceTo(worldUs / 1000);
      clock.setDrift(driftPpm);
      clock.bump(bumpMs + 0.123);
      const dueMs = clock.nowMs() + delayMs;
      let firedAtMs: number | undefined;
      clock.setTimer(delayMs, () => {
        firedAtMs = clock.nowMs();
      });
      queue.runNext();
      expect(firedAtMs).toBeGreaterThanOrEqual(dueMs);
    },
  );

  test('`setTimer()` for the rounding residue of a deadline moves world time forward', () => {
    const queue = new EventQueue();
    const clock = new VirtualClock(queue);
    queue.advanceTo(10_831.376);
    clock.bump(-3_697);
    // The Waiters pattern: re-arm for `deadline - now` until now reaches the deadline.
    const deadlineMs = clock.nowMs() + 1e-12;
    let arms = 0;
    const arm = (): void => {
      arms++;
      if (clock.nowMs() < deadlineMs) clock.setTimer(deadlineMs - clock.nowMs(), arm);
    };
    arm();
    for (let events = 0; events < 100 && queue.runNext(); events++) {}
    expect(clock.nowMs()).toBeGreaterThanOrEqual(deadlineMs);
    expect(arms).toBeLessThan(5);
  });
});
