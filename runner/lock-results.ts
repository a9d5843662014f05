// The lock and fencing checkers' results in the report's lock shape, so a run page
// shows overlapping critical sections as a table with timeline jumps and says in one
// sentence what they mean, instead of raw JSON. A plain lock run that overlaps is
// INVALID and the sentence points at the safe pattern (fencing tokens); a fenced run's
// section lists the lock's own overlaps as expected and says how many stale writes the
// fence refused.

import { checkFencing, type FencingResult } from '../checker/fencing.js';
import type { History } from '../checker/index.js';
import { checkLock, type HoldSpan } from '../checker/lock.js';
import type { LockCheckerResult, RunResults } from '../reports/index.js';

type CriticalSection = LockCheckerResult['overlaps'][number]['first'];

/** The history index of each acquire invoke, keyed by process and the time of its ok. */
function acquireIndexes(history: History): Map<string, number> {
  const invoked = new Map<number, number>();
  const indexes = new Map<string, number>();
  history.forEach((event, index) => {
    if (event.process === 'nemesis' || event.f !== 'acquire') return;
    if (event.type === 'invoke') invoked.set(event.process, index);
    else if (event.type === 'ok')
      indexes.set(`${event.process}@${event.time}`, invoked.get(event.process) ?? index);
  });
  return indexes;
}

/** A holder that never released holds until the history ends (JSON has no Infinity). */
function sectionOf(
  span: HoldSpan,
  context: { indexes: Map<string, number>; endTime: number },
): CriticalSection {
  const { indexes, endTime } = context;
  return {
    process: span.process,
    acquiredTime: span.fromTime,
    releasedTime: Number.isFinite(span.toTime) ? span.toTime : endTime,
    acquireIndex: indexes.get(`${span.process}@${span.fromTime}`) ?? 0,
  };
}

function overlapsOf(history: History): {
  overlaps: LockCheckerResult['overlaps'];
  first: string | undefined;
} {
  const context = { indexes: acquireIndexes(history), endTime: history.at(-1)?.time ?? 0 };
  const { violations } = checkLock(history);
  return {
    overlaps: violations.map((violation) => ({
      lock: violation.first.key ?? 'lock',
      first: sectionOf(violation.first, context),
      second: sectionOf(violation.second, context),
    })),
    first: violations[0]?.description.replace('until Infinity', 'until the end of the run'),
  };
}

/** The lock checker's section: overlapping critical sections break mutual exclusion. */
export function lockCheckerResults(history: History): RunResults {
  const { overlaps, first } = overlapsOf(history);
  const valid = overlaps.length === 0;
  const sentence = valid
    ? undefined
    : `${overlaps.length} pairs of critical sections overlapped; first: ${first}. A holder paused, cut off or slowed past its lease loses the lock without knowing it and keeps working while the next holder works too: a lock alone cannot protect a resource. Pass the lock's revision as a fencing token to the protected writes (the lock-fencing workload).`;
  return {
    version: 1,
    valid,
    checkers: [
      { type: 'lock', name: 'lock (mutual exclusion)', valid, overlaps, ...(valid ? {} : { sentence }) },
    ],
  };
}

/** The fencing checker's verdict, and the lock's own overlaps shown as what the fence absorbed. */
export function fencingCheckerResults(history: History): RunResults {
  const result: FencingResult = checkFencing(history);
  const { overlaps } = overlapsOf(history);
  const sentence = `The lock itself overlapped ${overlaps.length} times (holders that lost their lease without knowing); the fence accepted ${result.acceptedWrites} writes and refused ${result.refusedWrites} stale ones, so ${result.valid ? 'no stale holder got through' : 'a stale holder got through: see the fencing section'}.`;
  return {
    version: 1,
    valid: result.valid,
    checkers: [
      {
        type: 'other',
        name: 'fencing (writes in token order)',
        valid: result.valid,
        details: {
          acceptedWrites: result.acceptedWrites,
          refusedWrites: result.refusedWrites,
          violations: result.violations.map((violation) => violation.description),
        },
      },
      { type: 'lock', name: 'lock overlaps (absorbed by the fence)', valid: true, overlaps, sentence },
    ],
  };
}
