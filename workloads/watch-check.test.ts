// The watch workload's check: a real (memory etcd) watch history is valid, also with
// lost answers (unknown writes a watcher saw are adopted), and a watcher that skipped,
// repeated or invented an event is caught.

import { describe, expect, test } from 'vitest';
import type { RecordedEvent } from './recorder.js';
import { runAgainstMemory } from './testing/run.js';
import { watchWorkload } from './watch.js';
import { checkWatchHistory } from './watch-check.js';
import type { WatchedEvent } from './watch-collector.js';

async function watchHistory(lostPerMille = 0): Promise<RecordedEvent[]> {
  const { history } = await runAgainstMemory(watchWorkload({ keyPrefix: 'x/' }), {
    seed: 5,
    opsMax: 300,
    lostPerMille,
  });
  return [...history];
}

/** `history` with the events of its longest ok watch rewritten by `edit`. */
function editLongestWatch(
  history: readonly RecordedEvent[],
  edit: (events: WatchedEvent[]) => WatchedEvent[],
): RecordedEvent[] {
  const watches = history.filter((event) => event.f === 'watch' && event.type === 'ok');
  const longest = watches.reduce((best, event) =>
    (event.value as { events: WatchedEvent[] }).events.length >
    (best.value as { events: WatchedEvent[] }).events.length
      ? event
      : best,
  );
  return history.map((event) => {
    if (event !== longest) return event;
    const value = event.value as { from: number; to: number; events: WatchedEvent[] };
    return { ...event, value: { ...value, events: edit([...value.events]) } };
  });
}

describe('checkWatchHistory()', () => {
  test('`checkWatchHistory()` finds a memory-etcd watch history valid and judges its watches', async () => {
    const result = checkWatchHistory(await watchHistory());
    expect(result.valid).toBe(true);
    expect(result.details.watches).toBeGreaterThan(10);
    expect(result.details.eventsSeen).toBeGreaterThan(10);
  });

  test('`checkWatchHistory()` adopts writes with lost answers that watchers saw', async () => {
    const history = await watchHistory(100);
    expect(history.some((event) => event.f === 'write' && event.type === 'info')).toBe(true);
    expect(checkWatchHistory(history).valid).toBe(true);
  });

  test('`checkWatchHistory()` finds a skipped event missing', async () => {
    const history = editLongestWatch(await watchHistory(), (events) => events.filter((_, i) => i !== 1));
    const result = checkWatchHistory(history);
    expect(result.valid).toBe(false);
    expect(result.details.byType).toMatchObject({ missing: 1 });
    // The report's watch section names the watcher, key and revision of the gap.
    const [missing] = result.watch?.missing ?? [];
    expect(missing?.process).toBeGreaterThanOrEqual(0);
    expect(missing?.key).toMatch(/^k\d$/);
    expect(result.watch?.valid).toBe(false);
  });

  test('`checkWatchHistory()` finds a repeated event and an invented value', async () => {
    const repeated = editLongestWatch(await watchHistory(), (events) => [...events, events.at(-1)!]);
    expect(checkWatchHistory(repeated).details.byType).toMatchObject({ duplicate: 1 });
    const invented = editLongestWatch(await watchHistory(), (events) =>
      events.map((event, i): WatchedEvent => (i === 0 ? [event[0], event[1], event[2], 'bogus'] : event)),
    );
    expect(checkWatchHistory(invented).valid).toBe(false);
  });

  test('`checkWatchHistory()` is unknown when no watch completed', () => {
    expect(checkWatchHistory([]).valid).toBe('unknown');
  });
});
