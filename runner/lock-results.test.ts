// The lock and fencing results a run page shows: overlaps as rows with timeline jumps,
// a sentence pointing at fencing, and a fenced run valid with its absorbed overlaps.

import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from '../checker/history-builder.js';
import { fencingCheckerResults, lockCheckerResults } from './lock-results.js';

function overlappingHolders(): HistoryBuilder {
  return new HistoryBuilder()
    .invoke(0, 'acquire', { key: 'lock/0' })
    .ok(0, 'acquire', { key: 'lock/0' })
    .invoke(1, 'acquire', { key: 'lock/0' })
    .ok(1, 'acquire', { key: 'lock/0' });
}

describe('lock results', () => {
  test('`lockCheckerResults()` lists an overlap with the acquires to jump to and explains it', () => {
    const results = lockCheckerResults(overlappingHolders().history);
    expect(results.valid).toBe(false);
    const [section] = results.checkers;
    if (section?.type !== 'lock') throw new Error(`expected a lock section, got ${section?.type}`);
    expect(section.overlaps).toEqual([
      {
        lock: 'lock/0',
        first: { process: 0, acquiredTime: 1, releasedTime: 3, acquireIndex: 0 },
        second: { process: 1, acquiredTime: 3, releasedTime: 3, acquireIndex: 2 },
      },
    ]);
    expect(section.sentence).toContain('until the end of the run');
    expect(section.sentence).toContain('fencing token');
    expect(JSON.stringify(results)).not.toContain('null');
  });

  test('`lockCheckerResults()` of holders one at a time is valid with no sentence', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire', { key: 'lock/0' })
      .ok(0, 'acquire', { key: 'lock/0' })
      .invoke(0, 'release', { key: 'lock/0' })
      .ok(0, 'release', { key: 'lock/0' }).history;
    const results = lockCheckerResults(history);
    expect(results.valid).toBe(true);
    expect(results.checkers[0]).toMatchObject({ type: 'lock', valid: true, overlaps: [] });
  });

  test('`fencingCheckerResults()` stays valid when the fence refused the stale holder', () => {
    const history = overlappingHolders()
      .invoke(1, 'write', { key: 'lock/0', value: { owner: 1, token: 7 } })
      .ok(1, 'write', { key: 'lock/0', value: { owner: 1, token: 7, written: true, revision: 8 } })
      .invoke(0, 'write', { key: 'lock/0', value: { owner: 0, token: 5 } })
      .ok(0, 'write', { key: 'lock/0', value: { owner: 0, token: 5, written: false, revision: 9 } }).history;
    const results = fencingCheckerResults(history);
    expect(results.valid).toBe(true);
    const lock = results.checkers.find((checker) => checker.type === 'lock');
    expect(lock).toMatchObject({ valid: true });
    expect(lock?.type === 'lock' ? lock.sentence : '').toContain('refused 1 stale ones');
  });
});
