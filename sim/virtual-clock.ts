// A node's Clock in the simulated world. It reads world time through the event queue
// and adds this node's skew: an offset (a clock bump) and a drift in integer parts per
// million (a clock that runs fast or slow). Timers are events on the shared queue, so a
// simulated node never touches real time.

import { assert } from '../server/assert.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import type { EventQueue } from './event-queue.js';

const PPM = 1_000_000;
/** Steps of one unit in the last place a timer may be moved to be due on the local clock. */
const nudgesMax = 64;

export class VirtualClock implements Clock {
  /** World time and local time at the last drift change; local time runs linearly from there. */
  private anchorWorldMs: number;
  private anchorLocalMs: number;
  private driftPpm = 0;

  constructor(private readonly queue: EventQueue) {
    this.anchorWorldMs = queue.nowMs();
    this.anchorLocalMs = queue.nowMs();
  }

  nowMs(): number {
    return this.localAt(this.queue.nowMs());
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    assert(Number.isFinite(delayMs) && delayMs >= 0, () => `setTimer: bad delay ${delayMs}`);
    // A timer measures local time: a fast clock (positive drift) fires it sooner in world time.
    // A drift change after the timer is set does not move it; the next timer sees the new rate.
    const worldDelayMs = (delayMs * PPM) / (PPM + this.driftPpm);
    let atWorldMs = this.queue.nowMs() + worldDelayMs;
    // Rounding (a skewed clock adds an offset to world time) can leave local time a hair
    // short of the due time when the timer fires; a caller that re-arms for the remainder
    // would then spin on one instant forever. Nudge the event past the due time.
    const dueLocalMs = this.nowMs() + delayMs;
    for (let nudge = 0; nudge < nudgesMax && this.localAt(atWorldMs) < dueLocalMs; nudge++) {
      atWorldMs += Math.max(Math.abs(atWorldMs) * Number.EPSILON, Number.MIN_VALUE);
    }
    const event = this.queue.schedule(atWorldMs, callback);
    return { cancel: () => this.queue.cancel(event) };
  }

  /** Local time at world time `worldMs` (with the current offset and drift). */
  private localAt(worldMs: number): number {
    return this.anchorLocalMs + ((worldMs - this.anchorWorldMs) * (PPM + this.driftPpm)) / PPM;
  }

  /** Jumps this clock by `deltaMs` (negative goes back): the clock "bump" fault. */
  bump(deltaMs: number): void {
    assert(Number.isFinite(deltaMs), () => `bump: bad delta ${deltaMs}`);
    this.anchorLocalMs += deltaMs;
  }

  /** Makes the clock run `driftPpm` parts per million fast (negative: slow) from now on. */
  setDrift(driftPpm: number): void {
    assert(Number.isSafeInteger(driftPpm) && driftPpm > -PPM, () => `setDrift: bad drift ${driftPpm} ppm`);
    this.anchorLocalMs = this.nowMs();
    this.anchorWorldMs = this.queue.nowMs();
    this.driftPpm = driftPpm;
  }

  drift(): number {
    return this.driftPpm;
  }

  /** Local time minus world time. */
  skewMs(): number {
    return this.nowMs() - this.queue.nowMs();
  }
}
