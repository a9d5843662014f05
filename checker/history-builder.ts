// Builds histories by hand in tests and generators: indexes and times are assigned in
// call order, so the order of calls is the real-time order of the events.
import type { EventType, History, Process } from './history.js';

export class HistoryBuilder {
  readonly history: History = [];

  private add(
    type: EventType,
    process: Process,
    f: string,
    options: { key?: string; value?: unknown },
  ): this {
    const index = this.history.length;
    const event = { index, time: index, process, type, f, ...options };
    if (event.key === undefined) delete event.key;
    if (event.value === undefined) delete event.value;
    this.history.push(event);
    return this;
  }

  invoke(process: Process, f: string, options: { key?: string; value?: unknown } = {}): this {
    return this.add('invoke', process, f, options);
  }
  ok(process: Process, f: string, options: { key?: string; value?: unknown } = {}): this {
    return this.add('ok', process, f, options);
  }
  fail(process: Process, f: string, options: { key?: string; value?: unknown } = {}): this {
    return this.add('fail', process, f, options);
  }
  info(process: Process, f: string, options: { key?: string; value?: unknown } = {}): this {
    return this.add('info', process, f, options);
  }
}
