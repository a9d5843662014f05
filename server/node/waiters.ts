// Requests waiting for Raft: proposals waiting for their entry to be applied, and
// linearizable reads waiting for their ReadIndex to be confirmed and applied. Each waiter
// has a deadline; when it passes the caller gets etcd's "request timed out" (or the
// variant the owner picks, such as "possibly due to previous leader failure"), which a
// client must read as "outcome unknown" (the entry may still commit later).

import { EtcdError } from '../api/errors.js';
import type { Clock, TimerHandle } from '../ports/clock.js';

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: EtcdError) => void;
  readonly deadlineMs: number;
}

export interface WaitersOptions {
  readonly timeoutMs: number;
  /** Waiters allowed at once; more fail with "too many requests". */
  readonly waitersMax: number;
  /** The error of a waiter that timed out, given when it began. Default: "request timed out". */
  readonly timeoutError?: (startedMs: number) => EtcdError;
}

export class Waiters<T> {
  /** In registration order, which is deadline order: every waiter gets the same timeout. */
  private readonly waiting = new Map<number, Waiter<T>>();
  /** One timer for the oldest waiter's deadline, not one per request (a hot path). */
  private sweepTimer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly options: WaitersOptions,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Registers a waiter under `id`; returns undefined when the bound is reached. */
  wait(id: number): Promise<T> {
    if (this.waiting.size >= this.options.waitersMax) return Promise.reject(EtcdError.of('tooManyRequests'));
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, deadlineMs: this.clock.nowMs() + this.options.timeoutMs });
      this.armSweep();
    });
  }

  has(id: number): boolean {
    return this.waiting.has(id);
  }

  resolve(id: number, value: T): void {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return;
    this.waiting.delete(id);
    waiter.resolve(value);
  }

  reject(id: number, error: EtcdError): void {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return;
    this.waiting.delete(id);
    waiter.reject(error);
  }

  /** Fails every waiter (the node is stopping). */
  rejectAll(error: EtcdError): void {
    for (const id of [...this.waiting.keys()]) this.reject(id, error);
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
  }

  private armSweep(): void {
    if (this.sweepTimer !== undefined) return;
    const oldest = this.waiting.values().next().value;
    if (oldest === undefined) return;
    this.sweepTimer = this.clock.setTimer(Math.max(0, oldest.deadlineMs - this.clock.nowMs()), () => {
      this.sweepTimer = undefined;
      this.expire();
      this.armSweep();
    });
  }

  /** Times out the waiters whose deadline has passed: a prefix of the map. */
  private expire(): void {
    const nowMs = this.clock.nowMs();
    // Bounded by the map's size (at most waitersMax).
    for (const [id, waiter] of this.waiting) {
      if (waiter.deadlineMs > nowMs) break;
      this.waiting.delete(id);
      const startedMs = waiter.deadlineMs - this.options.timeoutMs;
      waiter.reject(this.options.timeoutError?.(startedMs) ?? EtcdError.of('timeout'));
    }
  }
}
