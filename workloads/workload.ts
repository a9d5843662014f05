// What one workload is (Jepsen's `{client, generator, checker}`): a name, the checker
// that judges its history, a seeded draw of the next operation, and how to run an
// operation against a `WorkloadClient`. The registry (registry.ts) maps names to
// factories; the generator runtime (generator.ts) drives any of them.

import type { Clock } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import type { WorkloadClient } from './client.js';
import type { Completion, OperationRequest } from './recorder.js';

/**
 * Which checker judges the history. `model` names a model in checker/'s `models`
 * registry (checked with `checkHistory`); `checker` names a dedicated checker the
 * runner looks up (list-append, rw-register, lock, watch, lease), whose input shape
 * the workload file's header documents.
 */
export type WorkloadChecker =
  | { readonly kind: 'model'; readonly model: string }
  | { readonly kind: 'checker'; readonly name: string };

export interface InvokeContext {
  readonly client: WorkloadClient;
  readonly clock: Clock;
  /** The worker running the operation (stable across process retirements). */
  readonly worker: number;
  /** Per-request timeout in ms. */
  readonly timeoutMs: number;
}

export interface Workload {
  readonly name: string;
  readonly checker: WorkloadChecker;
  /**
   * The next operation for `worker`; called in slot order, so one seed gives one op
   * sequence (workloads whose ops depend on the worker, like lock, are deterministic
   * only under a simulated clock).
   */
  next(random: Random, context: { readonly worker: number }): OperationRequest;
  /**
   * Runs `request`. Resolves with ok or a definite fail the workload recognised (a
   * failed compare); a request error is thrown and classified by outcome.ts.
   */
  invoke(request: OperationRequest, context: InvokeContext): Promise<Completion>;
  /** Reads change nothing: any error on them is a definite `fail`. */
  isIdempotent(f: string): boolean;
  /** Operations run once after the main phase (final reads), in order, on worker 0. */
  finalRequests?(): readonly OperationRequest[];
  /** Releases what the workload holds (watch streams, leases); called once at the end. */
  close?(): void;
}

export interface WorkloadOptions {
  /** Every key the workload touches starts with this prefix (external mode isolation). */
  readonly keyPrefix: string;
}

export type WorkloadFactory = (options: WorkloadOptions) => Workload;

/** Waits `delayMs` of `clock` time. */
export function sleep(clock: Clock, delayMs: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(Math.max(0, delayMs), resolve);
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function text(value: Uint8Array): string {
  return decoder.decode(value);
}

/** The rangeEnd that selects every key starting with `prefix` (etcd's prefix rule). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = Uint8Array.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.slice(0, i + 1);
    }
  }
  return Uint8Array.of(0);
}
