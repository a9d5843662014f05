// The real Clock: the monotonic process clock plus an adjustable offset. The offset is
// how the clock-skew nemesis reaches a real etcd-ts node (through the clock-control
// endpoint, which exists only when a flag enables it). This file is one of the two
// places in server/ allowed to read real time and start real timers.

import { assert } from '../assert.js';
import type { Clock, TimerHandle } from './clock.js';

/**
 * The wall-clock instant `timeoutMs` from now, for gRPC deadlines (grpc-js takes only
 * absolute times). The one place outside a Clock that reads the wall clock.
 */
export function wallClockDeadline(timeoutMs: number): Date {
  return new Date(Date.now() + timeoutMs);
}

export class ProcessClock implements Clock {
  private offsetMs = 0;

  nowMs(): number {
    return performance.now() + this.offsetMs;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    assert(Number.isFinite(delayMs) && delayMs >= 0, () => `setTimer: bad delay ${delayMs}`);
    if (delayMs === 0) {
      // "As soon as this turn's I/O is handled": setTimeout(0) would wait at least 1 ms,
      // which a node pays several times per write (propose, persist, reply, commit).
      // Referenced on purpose: libuv's poll phase blocks (until the next socket event or
      // timer, such as the 100 ms heartbeat tick) while only unreferenced immediates are
      // queued, so an unref'd immediate set from a check-phase callback waited that long.
      const immediate = setImmediate(callback);
      return { cancel: () => clearImmediate(immediate) };
    }
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  }

  /** Jumps this clock by `deltaMs` (negative goes back): the clock "bump" fault. */
  bump(deltaMs: number): void {
    assert(Number.isFinite(deltaMs), () => `bump: bad delta ${deltaMs}`);
    this.offsetMs += deltaMs;
  }

  /** The current skew against the process clock. */
  skewMs(): number {
    return this.offsetMs;
  }

  /** Removes every skew. */
  reset(): void {
    this.offsetMs = 0;
  }
}
