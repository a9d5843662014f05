import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from './history-builder.js';
import { checkLock, holdSpans } from './lock.js';

describe('checkLock() with several locks', () => {
  test('checkLock() lets holders of different locks overlap', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire', { key: 'lock/0' })
      .ok(0, 'acquire', { key: 'lock/0' })
      .invoke(1, 'acquire', { key: 'lock/1' })
      .ok(1, 'acquire', { key: 'lock/1' })
      .invoke(0, 'release', { key: 'lock/0' }).history;
    expect(checkLock(history).valid).toBe(true);
  });

  test('checkLock() names the lock two holders overlapped on', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire', { key: 'lock/2' })
      .ok(0, 'acquire', { key: 'lock/2' })
      .invoke(1, 'acquire', { key: 'lock/2' })
      .ok(1, 'acquire', { key: 'lock/2' }).history;
    const result = checkLock(history);
    expect(result.valid).toBe(false);
    expect(result.violations[0]!.description).toBe(
      'process 1 held lock/2 from 3 while process 0 held it from 1 until Infinity',
    );
  });

  test('holdSpans() keeps the key of each span', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire', { key: 'lock/0' })
      .ok(0, 'acquire', { key: 'lock/0' })
      .invoke(0, 'release', { key: 'lock/0' }).history;
    expect(holdSpans(history)).toEqual([{ process: 0, key: 'lock/0', fromTime: 1, toTime: 2 }]);
  });
});
