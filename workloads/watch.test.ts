import { describe, expect, test } from 'vitest';
import { runAgainstMemory } from './testing/run.js';
import { watchWorkload } from './watch.js';
import type { WatchedEvent } from './watch-collector.js';

describe('watchWorkload()', () => {
  test('watchWorkload() watchers resume from their last revision with no gap, duplicate or disagreement', async () => {
    const { history } = await runAgainstMemory(watchWorkload({ keyPrefix: 'x/' }), { seed: 12, opsMax: 200 });
    const writes = new Map<number, string>();
    for (const event of history) {
      if (event.f === 'write' && event.type === 'ok') {
        const { value, revision } = event.value as { value: number; revision: number };
        writes.set(revision, `${event.key}=${value}`);
      }
    }
    const perProcess = new Map<number, WatchedEvent[]>();
    for (const event of history) {
      if (event.f !== 'watch' || event.type !== 'ok' || typeof event.process !== 'number') continue;
      const seen = perProcess.get(event.process) ?? [];
      seen.push(...(event.value as { events: WatchedEvent[] }).events);
      perProcess.set(event.process, seen);
    }
    expect(perProcess.size).toBeGreaterThan(1);
    for (const events of perProcess.values()) {
      const revisions = events.map(([revision]) => revision);
      // Every write up to the last revision this watcher reached, in order, exactly once.
      const expected = [...writes.keys()]
        .filter((revision) => revision <= (revisions.at(-1) ?? 0))
        .sort((a, b) => a - b);
      expect(revisions).toEqual(expected);
      for (const [revision, , key, value] of events) expect(writes.get(revision)).toBe(`${key}=${value}`);
    }
  });
});
