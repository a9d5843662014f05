// ProcessClock: monotonic time, the skew fault, and timers, including that a zero-delay
// timer runs in the next turn of the event loop rather than after the next timer or I/O.

import { describe, expect, test } from 'vitest';
import { ProcessClock } from './process-clock.js';

describe('ProcessClock', () => {
  test('nowMs() never goes back without a fault', () => {
    const clock = new ProcessClock();
    let previous = clock.nowMs();
    for (let i = 0; i < 1000; i++) {
      const now = clock.nowMs();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
  });

  test('bump() shifts nowMs() by the delta and reset() removes it', () => {
    const clock = new ProcessClock();
    const before = clock.nowMs();
    clock.bump(60_000);
    expect(clock.nowMs() - before).toBeGreaterThanOrEqual(60_000);
    expect(clock.skewMs()).toBe(60_000);
    clock.reset();
    expect(clock.skewMs()).toBe(0);
    expect(clock.nowMs() - before).toBeLessThan(60_000);
  });

  test('setTimer() fires once and cancel() stops it', async () => {
    const clock = new ProcessClock();
    let fired = 0;
    const cancelled = clock.setTimer(1, () => fired++);
    cancelled.cancel();
    await new Promise<void>((resolve) => clock.setTimer(5, () => resolve()));
    expect(fired).toBe(0);
  });

  test('setTimer() with a zero delay queues a referenced immediate, so the event loop does not block on it', async () => {
    const clock = new ProcessClock();
    // An unreferenced immediate does not stop libuv's poll phase from blocking until the
    // next socket event or timer: one set from a check-phase callback then waited for the
    // next heartbeat tick (the regression that made every linearizable read wait ~100 ms).
    // Node lists only referenced immediates among the active resources.
    const immediatesBefore = activeImmediates();
    let fired = false;
    const handle = clock.setTimer(0, () => {
      fired = true;
    });
    expect(activeImmediates()).toBe(immediatesBefore + 1);
    handle.cancel();
    expect(activeImmediates()).toBe(immediatesBefore);
    await new Promise<void>((resolve) => clock.setTimer(0, resolve));
    expect(fired).toBe(false);
  });
});

function activeImmediates(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Immediate').length;
}
