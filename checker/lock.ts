// Lock checker: mutual exclusion from the times clients observed. A client surely held
// the lock from its acquire's ok until it invoked release (or forever, if it never did);
// two such spans of different clients overlapping is a violation. Crashed acquires may or
// may not hold the lock, so they cannot prove anything and are left out.
import type { History } from './history.js';

export interface HoldSpan {
  process: number;
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

export function holdSpans(history: History): HoldSpan[] {
  const holding = new Map<number, number>();
  const spans: HoldSpan[] = [];
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.f === 'acquire' && event.type === 'ok') holding.set(event.process, event.time);
    if (event.f === 'release' && event.type === 'invoke') {
      const fromTime = holding.get(event.process);
      if (fromTime !== undefined) spans.push({ process: event.process, fromTime, toTime: event.time });
      holding.delete(event.process);
    }
  }
  for (const [process, fromTime] of holding)
    spans.push({ process, fromTime, toTime: Number.POSITIVE_INFINITY });
  return spans.sort((a, b) => a.fromTime - b.fromTime);
}

export function checkLock(history: History): { valid: boolean; violations: LockViolation[] } {
  const spans = holdSpans(history);
  const violations: LockViolation[] = [];
  // Sorted by start: a span overlaps a later one when that one starts before it ends.
  let open: HoldSpan | undefined;
  for (const span of spans) {
    if (open !== undefined && span.fromTime < open.toTime && span.process !== open.process) {
      if (violations.length < lockViolationsMax) {
        violations.push({
          first: open,
          second: span,
          description: `process ${span.process} held the lock from ${span.fromTime} while process ${open.process} held it from ${open.fromTime} until ${open.toTime}`,
        });
      }
    }
    if (open === undefined || span.toTime > open.toTime) open = span;
  }
  return { valid: violations.length === 0, violations };
}
