// Lock checker: mutual exclusion from the times clients observed. A client surely held
// a lock from its acquire's ok until it invoked release (or forever, if it never did);
// two such spans of different clients on the same lock overlapping is a violation.
// Crashed acquires may or may not hold the lock, so they cannot prove anything and are
// left out. Locks are told apart by the events' key (one lock when there is none).
import type { HistoryEvent } from './history.js';

export interface HoldSpan {
  process: number;
  /** The lock's key, as the acquire named it. */
  key?: string;
  fromTime: number;
  toTime: number;
}

export interface LockViolation {
  first: HoldSpan;
  second: HoldSpan;
  description: string;
}

/** Violations reported; the first few say all there is to say. */
export const lockViolationsMax = 20;

export function holdSpans(history: readonly HistoryEvent[]): HoldSpan[] {
  const holding = new Map<number, { fromTime: number; key: string | undefined }>();
  const spans: HoldSpan[] = [];
  const spanOf = (process: number, start: { fromTime: number; key: string | undefined }, toTime: number) =>
    start.key === undefined
      ? { process, fromTime: start.fromTime, toTime }
      : { process, key: start.key, fromTime: start.fromTime, toTime };
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.f === 'acquire' && event.type === 'ok') {
      holding.set(event.process, { fromTime: event.time, key: event.key });
    }
    if (event.f === 'release' && event.type === 'invoke') {
      const start = holding.get(event.process);
      if (start !== undefined) spans.push(spanOf(event.process, start, event.time));
      holding.delete(event.process);
    }
  }
  for (const [process, start] of holding) spans.push(spanOf(process, start, Number.POSITIVE_INFINITY));
  return spans.sort((a, b) => a.fromTime - b.fromTime);
}

function lockName(key: string | undefined): string {
  return key === undefined || key === 'lock' ? 'the lock' : key;
}

export function checkLock(history: readonly HistoryEvent[]): { valid: boolean; violations: LockViolation[] } {
  const violations: LockViolation[] = [];
  // Sorted by start: a span overlaps a later one on its lock when that one starts before it ends.
  const open = new Map<string | undefined, HoldSpan>();
  for (const span of holdSpans(history)) {
    const holder = open.get(span.key);
    if (holder !== undefined && span.fromTime < holder.toTime && span.process !== holder.process) {
      if (violations.length < lockViolationsMax) {
        violations.push({
          first: holder,
          second: span,
          description: `process ${span.process} held ${lockName(span.key)} from ${span.fromTime} while process ${holder.process} held it from ${holder.fromTime} until ${holder.toTime}`,
        });
      }
    }
    if (holder === undefined || span.toTime > holder.toTime) open.set(span.key, span);
  }
  return { valid: violations.length === 0, violations };
}
