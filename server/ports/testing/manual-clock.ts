// A test clock that only moves when told: `advanceTo()` / `advance()` fire the timers due
// by then in time order, synchronously; `drive()` lets pending promises settle, then
// jumps to the next timer, until the awaited promise settles. Test-only: `drive` uses
// setImmediate to let microtask chains run, which product code never does.

import type { Clock, TimerHandle } from '../clock.js';
import { followSettlement, settledValue } from './settlement.js';

/** Timers one advance may fire; more is a timer re-arming itself at no delay. */
const firingsMax = 10_000;

interface Timer {
  readonly atMs: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

export class ManualClock implements Clock {
  private now = 0;
  private order = 0;
  private timers: Timer[] = [];

  nowMs(): number {
    return this.now;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer: Timer = { atMs: this.now + delayMs, order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Live timers not yet fired. */
  get pendingTimers(): number {
    return this.timers.filter((timer) => !timer.cancelled).length;
  }

  /** Fires every timer due by `untilMs`, in time order (each at its own time), then stops there. */
  advanceTo(untilMs: number): void {
    for (let fired = 0; fired < firingsMax; fired++) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      this.timers.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
      const due = this.timers[0];
      if (due === undefined || due.atMs > untilMs) break;
      this.timers.shift();
      this.now = Math.max(this.now, due.atMs);
      due.callback();
    }
    this.now = Math.max(this.now, untilMs);
  }

  advance(ms: number): void {
    this.advanceTo(this.now + ms);
  }

  /** Advances to and fires the earliest live timer; false when none is left. */
  fireNext(): boolean {
    this.timers = this.timers.filter((timer) => !timer.cancelled);
    if (this.timers.length === 0) return false;
    this.timers.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
    const timer = this.timers.shift()!;
    this.now = Math.max(this.now, timer.atMs);
    timer.callback();
    return true;
  }

  /** Runs the world until `promise` settles, at most `stepsMax` timer firings. */
  async drive<T>(promise: Promise<T>, stepsMax = 1_000_000): Promise<T> {
    const settled = followSettlement(promise);
    for (let step = 0; step < stepsMax; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      const outcome = settled();
      if (outcome !== undefined) return settledValue(outcome);
      if (!this.fireNext()) {
        await new Promise((resolve) => setImmediate(resolve));
        const outcomeAtEnd = settled();
        if (outcomeAtEnd !== undefined) return settledValue(outcomeAtEnd);
        throw new Error(
          `ManualClock.drive: nothing left to run at ${this.now} ms and the promise is still pending`,
        );
      }
    }
    throw new Error(`ManualClock.drive: not settled after ${stepsMax} timer steps`);
  }
}
