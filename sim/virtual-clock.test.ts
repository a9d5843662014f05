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
});
