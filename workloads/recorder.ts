// Records a run's history events (DESIGN.md "Histories and results"): invoke, then ok,
// fail or info, each with its index, the injected Clock's time and its process. Jepsen's
// rule for indeterminate outcomes: a process whose operation ended `info` may still have
// that operation in flight, so it never invokes again; its worker carries on as a new
// process, the old number plus the concurrency.

import type { HistoryEvent, Process } from '../checker/history.js';
import { assert } from '../server/assert.js';
import { requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';

/** What an operation is: Jepsen's f, optional key and value. */
export interface OperationRequest {
  readonly f: string;
  readonly key?: string;
  readonly value?: unknown;
}

export type Completion =
  | { readonly type: 'ok'; readonly value?: unknown }
  | { readonly type: 'fail' | 'info'; readonly value?: unknown; readonly error: string };

/** A recorded event; `error` names why a fail/info happened (checkers ignore it). */
export type RecordedEvent = HistoryEvent & { readonly error?: string };

export interface RecorderOptions {
  readonly clock: Clock;
  /** Number of workers; a retired process p is replaced by p + concurrency. */
  readonly concurrency: number;
  /** Bound on recorded events; recording more is a bug in the caller's limits. Default 10^7. */
  readonly eventsMax?: number;
}

export class Recorder {
  private readonly events: RecordedEvent[] = [];
  private readonly processes: number[];
  private readonly open = new Map<number, OperationRequest>();
  private readonly clock: Clock;
  private readonly eventsMax: number;

  constructor(readonly options: RecorderOptions) {
    requirePositiveInteger('concurrency', options.concurrency);
    this.clock = options.clock;
    this.eventsMax = options.eventsMax ?? 10_000_000;
    requirePositiveInteger('eventsMax', this.eventsMax);
    this.processes = Array.from({ length: options.concurrency }, (_, worker) => worker);
  }

  /** The process a worker currently runs as. */
  processOf(worker: number): number {
    const process = this.processes[worker];
    assert(process !== undefined, () => `no worker ${worker}`);
    return process;
  }

  /** Records an invoke for `worker`'s process and returns that process. */
  invoke(worker: number, request: OperationRequest): number {
    const process = this.processOf(worker);
    assert(!this.open.has(process), () => `process ${process} invoked while its last operation is open`);
    this.open.set(process, request);
    this.push({ process, type: 'invoke', ...request });
    return process;
  }

  /** Records the completion of `worker`'s open operation; `info` retires the process. */
  complete(worker: number, completion: Completion): void {
    const process = this.processOf(worker);
    const request = this.open.get(process);
    assert(request !== undefined, () => `process ${process} completed without an open invoke`);
    this.open.delete(process);
    const value = completion.value === undefined ? request.value : completion.value;
    const error = completion.type === 'ok' ? undefined : completion.error;
    this.push({ process, type: completion.type, f: request.f, key: request.key, value, error });
    if (completion.type === 'info') this.processes[worker] = process + this.options.concurrency;
  }

  /** A nemesis or other non-client event, recorded as is with process "nemesis". */
  note(event: { readonly type: 'info'; readonly f: string; readonly value?: unknown }): void {
    this.push({ process: 'nemesis', ...event });
  }

  history(): readonly RecordedEvent[] {
    return this.events;
  }

  private push(event: {
    process: Process;
    type: HistoryEvent['type'];
    f: string;
    key?: string | undefined;
    value?: unknown;
    error?: string | undefined;
  }): void {
    assert(this.events.length < this.eventsMax, () => `history is over eventsMax ${this.eventsMax}`);
    const recorded: RecordedEvent = {
      index: this.events.length,
      time: this.clock.nowMs(),
      process: event.process,
      type: event.type,
      f: event.f,
      ...(event.key === undefined ? {} : { key: event.key }),
      ...(event.value === undefined ? {} : { value: event.value }),
      ...(event.error === undefined ? {} : { error: event.error }),
    };
    this.events.push(recorded);
  }
}
