// Known anomalies for the watch and lock checkers.
import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from './history-builder.js';
import { checkLock } from './lock.js';
import { checkWatch, type WatchEvent, type WatchStream } from './watch.js';

const changes: WatchEvent[] = [
  { revision: 2, key: 'a', type: 'put', value: '1' },
  { revision: 3, key: 'a', type: 'put', value: '2' },
  { revision: 3, key: 'b', type: 'put', value: '9' },
  { revision: 4, key: 'a', type: 'delete' },
];

function stream(responses: WatchStream['responses'], startRevision = 2): WatchStream {
  return { id: 's', startRevision, key: '', prefix: true, responses };
}

function problems(watch: WatchStream): string[] {
  return checkWatch([watch], changes).problems.map((problem) => problem.type);
}

describe('checkWatch()', () => {
  test('checkWatch() accepts a faithful stream with a progress notify', () => {
    const result = checkWatch(
      [
        stream([
          { events: [changes[0]!], headerRevision: 2 },
          { events: [changes[1]!, changes[2]!], headerRevision: 3 },
          { events: [], progressNotify: true, headerRevision: 3 },
          { events: [changes[3]!], headerRevision: 4 },
        ]),
      ],
      changes,
    );
    expect(result).toEqual({ valid: true, problems: [] });
  });

  test('checkWatch() finds a gap, a duplicate, reordering and a split revision', () => {
    expect(
      problems(
        stream([
          { events: [changes[0]!], headerRevision: 2 },
          { events: [changes[3]!], headerRevision: 4 },
        ]),
      ),
    ).toEqual(['missing', 'missing']);
    expect(problems(stream([{ events: [changes[0]!, changes[0]!], headerRevision: 2 }]))).toEqual([
      'duplicate',
    ]);
    expect(
      problems(stream([{ events: [changes[1]!, changes[2]!, changes[0]!], headerRevision: 3 }])),
    ).toEqual(['unordered']);
    expect(
      problems(
        stream([
          { events: [changes[0]!, changes[1]!], headerRevision: 3 },
          { events: [changes[2]!], headerRevision: 3 },
        ]),
      ),
    ).toEqual(['split-revision']);
  });

  test('checkWatch() finds events before the resume revision, invented events and late events after a progress notify', () => {
    expect(
      problems(stream([{ events: [changes[0]!, changes[1]!, changes[2]!], headerRevision: 3 }], 3)),
    ).toEqual(['before-start']);
    expect(
      problems(stream([{ events: [{ revision: 2, key: 'a', type: 'put', value: 'x' }], headerRevision: 2 }])),
    ).toEqual(['missing', 'unexpected']);
    expect(
      problems(
        stream([
          { events: [], progressNotify: true, headerRevision: 2 },
          { events: [changes[0]!], headerRevision: 2 },
        ]),
      ),
    ).toEqual(['progress-notify']);
  });
});

describe('checkLock()', () => {
  test('checkLock() accepts holders one after another', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire')
      .ok(0, 'acquire')
      .invoke(0, 'release')
      .invoke(1, 'acquire')
      .ok(0, 'release')
      .ok(1, 'acquire').history;
    expect(checkLock(history).valid).toBe(true);
  });

  test('checkLock() finds two overlapping holders', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire')
      .ok(0, 'acquire')
      .invoke(1, 'acquire')
      .ok(1, 'acquire')
      .invoke(0, 'release')
      .ok(0, 'release').history;
    const result = checkLock(history);
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.description).toBe(
      'process 1 held the lock from 3 while process 0 held it from 1 until 4',
    );
  });
});
