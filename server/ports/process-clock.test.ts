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
});
