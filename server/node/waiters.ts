// Requests waiting for Raft: proposals waiting for their entry to be applied, and
// linearizable reads waiting for their ReadIndex to be confirmed and applied. Each waiter
// has a deadline; when it passes the caller gets etcd's "request timed out", which a
// client must read as "outcome unknown" (the entry may still commit later).

import { EtcdError } from '../api/errors.js';
import type { Clock, TimerHandle } from '../ports/clock.js';

interface Waiter<T> {
  readonly resolve: (value: T) => void;
  readonly reject: (error: EtcdError) => void;
  readonly timer: TimerHandle;
}

export class Waiters<T> {
  private readonly waiting = new Map<number, Waiter<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** Waiters allowed at once; more fail with "too many requests". */
    private readonly waitersMax: number,
  ) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Registers a waiter under `id`; returns undefined when the bound is reached. */
  wait(id: number): Promise<T> {
    if (this.waiting.size >= this.waitersMax) return Promise.reject(EtcdError.of('tooManyRequests'));
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimer(this.timeoutMs, () => {
        if (this.waiting.delete(id)) reject(EtcdError.of('timeout'));
      });
      this.waiting.set(id, { resolve, reject, timer });
    });
  }

  has(id: number): boolean {
    return this.waiting.has(id);
  }

  resolve(id: number, value: T): void {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return;
    this.waiting.delete(id);
    waiter.timer.cancel();
    waiter.resolve(value);
  }

  reject(id: number, error: EtcdError): void {
    const waiter = this.waiting.get(id);
    if (waiter === undefined) return;
    this.waiting.delete(id);
    waiter.timer.cancel();
    waiter.reject(error);
  }

  /** Fails every waiter (the node is stopping). */
  rejectAll(error: EtcdError): void {
    for (const id of [...this.waiting.keys()]) this.reject(id, error);
  }
}
