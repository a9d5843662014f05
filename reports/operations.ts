// Client operations as the report draws them: each invoke with its completion, keeping
// `fail` ones too (the checker drops them; a reader wants to see them). Tolerant of
// histories the checker would reject: a second invoke on a busy process closes the first
// as unknown, and a completion with no invoke is ignored.
import type { History, HistoryEvent } from '../checker/history.js';

export type OperationStatus = 'ok' | 'fail' | 'info';

export interface ReportOperation {
  process: number;
  f: string;
  key: string | undefined;
  status: OperationStatus;
  callIndex: number;
  /** Undefined when the operation never completed (an open invoke at the end of the history). */
  returnIndex: number | undefined;
  callTime: number;
  /** Undefined when it never completed; drawn up to the end of the history. */
  returnTime: number | undefined;
  input: unknown;
  output: unknown;
}

export function reportOperations(history: History): ReportOperation[] {
  const open = new Map<number, HistoryEvent>();
  const operations: ReportOperation[] = [];
  const close = (invoke: HistoryEvent, completion: HistoryEvent | undefined): void => {
    operations.push({
      process: invoke.process as number,
      f: invoke.f,
      key: invoke.key,
      status: completion === undefined ? 'info' : (completion.type as OperationStatus),
      callIndex: invoke.index,
      returnIndex: completion?.index,
      callTime: invoke.time,
      returnTime: completion?.time,
      input: invoke.value,
      output: completion?.value,
    });
  };
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    const pending = open.get(event.process);
    if (event.type === 'invoke') {
      if (pending !== undefined) close(pending, undefined);
      open.set(event.process, event);
      continue;
    }
    if (pending === undefined) continue;
    open.delete(event.process);
    close(pending, event);
  }
  for (const pending of open.values()) close(pending, undefined);
  operations.sort((a, b) => a.callIndex - b.callIndex);
  return operations;
}

/** First and last time in the history, or [0, 1] for an empty one (so scales never divide by zero). */
export function timeSpan(history: History): { start: number; end: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const event of history) {
    if (event.time < start) start = event.time;
    if (event.time > end) end = event.time;
  }
  if (!Number.isFinite(start)) return { start: 0, end: 1 };
  return { start, end: end > start ? end : start + 1 };
}
