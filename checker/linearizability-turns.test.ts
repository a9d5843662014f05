// Partitions searched in turns: an invalid partition stops the others early, the memo
// budget is shared, a timeout names the first unfinished partition, and the search of a
// partition proven invalid up front stops once it has reached the violation.
import { describe, expect, test } from 'vitest';
import { type History, pairOperations } from './history.js';
import { HistoryBuilder } from './history-builder.js';
import { checkLinearizable } from './linearizability.js';
import { kvModel } from './models/kv.js';
import { registerModel } from './models/register.js';

/** Key "a": `writes` sequential writes, all valid. Key "b": a read of a value nobody wrote. */
function longValidThenStale(writes: number): History {
  const builder = new HistoryBuilder();
  builder.invoke(1, 'read', { key: 'b' });
  for (let value = 1; value <= writes; value++) {
    builder.invoke(0, 'write', { key: 'a', value }).ok(0, 'write', { key: 'a', value });
  }
  return builder.ok(1, 'read', { key: 'b', value: 99 }).history;
}

describe('checkLinearizable() partitions in turns', () => {
  test('checkLinearizable() stops at an invalid partition before an earlier long one finishes', () => {
    const operations = pairOperations(longValidThenStale(50));
    const result = checkLinearizable(registerModel({}), operations, { stepsPerClockCheck: 1 });
    expect(result.valid).toBe(false);
    expect(result.explanation?.partition).toBe('b');
    // "a" needs 50 steps; "b" fails within its first few turns, so "a" never finishes.
    expect(result.partitions.map((partition) => partition.name)).toEqual(['b']);
  });

  test('checkLinearizable() gives the same verdict with turns of any length and a tiny shared memo', () => {
    const operations = pairOperations(longValidThenStale(30));
    for (const stepsPerClockCheck of [1, 7, 256]) {
      for (const memoEntriesMax of [0, 3, 1_000_000]) {
        const result = checkLinearizable(registerModel({}), operations, {
          stepsPerClockCheck,
          memoEntriesMax,
        });
        expect(result.valid).toBe(false);
        expect(result.explanation?.partition).toBe('b');
      }
    }
  });

  test('checkLinearizable() names the first unfinished partition on timeout', () => {
    const builder = new HistoryBuilder();
    for (let value = 1; value <= 40; value++) {
      builder.invoke(0, 'write', { key: 'a', value }).ok(0, 'write', { key: 'a', value });
      builder.invoke(1, 'write', { key: 'b', value }).ok(1, 'write', { key: 'b', value });
    }
    let nowMs = 0;
    // Each clock read moves time on by 1 ms: the deadline passes after a few turns.
    const clock = { nowMs: () => nowMs++ };
    const result = checkLinearizable(registerModel({}), pairOperations(builder.history), {
      clock,
      timeoutMs: 4,
      stepsPerClockCheck: 2,
    });
    expect(result.valid).toBe('unknown');
    expect(result.unknownReason).toMatch(/^timed out after 4 ms in partition "a" with \d+ of 40 operations/);
    expect(result.partitions.map((partition) => [partition.name, partition.valid])).toEqual([
      ['a', 'unknown'],
    ]);
  });

  test('checkLinearizable() stops searching a proven stale get once it reaches it, also where the kv model prunes', () => {
    // As above with the kv model, whose dead-end pruning rejects the last placement before
    // the stale get: that placement must still count toward the longest prefix, or the
    // search never sees it has reached the get and tries every order of the 12 puts.
    const builder = new HistoryBuilder();
    const text = (value: number) => ({ key: 'k', value: String(value) });
    for (let value = 1; value <= 5; value++) builder.invoke(0, 'put', text(value)).ok(0, 'put', text(value));
    for (let value = 6; value <= 17; value++) builder.invoke(value, 'put', text(value));
    for (let value = 6; value <= 17; value++) builder.invoke(value + 100, 'get', { key: 'k' });
    for (let value = 6; value <= 17; value++) builder.ok(value + 100, 'get', text(23 - value));
    for (let value = 6; value <= 17; value++) builder.ok(value, 'put', text(value));
    builder.invoke(1, 'get', { key: 'k' }).ok(1, 'get', { key: 'k', value: '1' });
    const result = checkLinearizable(kvModel({}), pairOperations(builder.history), {
      stepsPerClockCheck: 1,
      suspectSearchStepsMax: 1,
    });
    expect(result.valid).toBe(false);
    expect(result.explanation?.searchCutShort).toBe(true);
    expect(result.explanation?.sentence).toMatch(
      /^the get of k that returned "1", but the state is value "\d+"/,
    );
    expect(result.partitions[0]!.steps).toBeLessThan(1_000);
  });

  test('checkLinearizable() stops searching a proven stale read once it reaches it, with the same explanation', () => {
    // Writes 1..5 one after another, then 4 concurrent writes each seen by a read, then a
    // read of 1: stale (write 2 completed in between). Past the stale read the full search
    // tries the orders of the concurrent writes before giving up.
    const builder = new HistoryBuilder();
    for (let value = 1; value <= 5; value++) builder.invoke(0, 'write', { value }).ok(0, 'write', { value });
    for (let value = 6; value <= 9; value++) builder.invoke(value, 'write', { value });
    for (let value = 6; value <= 9; value++) builder.invoke(value + 10, 'read');
    for (let value = 6; value <= 9; value++) builder.ok(value + 10, 'read', { value: 15 - value });
    for (let value = 6; value <= 9; value++) builder.ok(value, 'write', { value });
    builder.invoke(1, 'read').ok(1, 'read', { value: 1 });
    const operations = pairOperations(builder.history);
    const full = checkLinearizable(registerModel({}), operations, {
      stepsPerClockCheck: 1,
      suspectSearchStepsMax: Number.POSITIVE_INFINITY,
    });
    const cut = checkLinearizable(registerModel({}), operations, {
      stepsPerClockCheck: 1,
      suspectSearchStepsMax: 1,
    });
    expect(full.valid).toBe(false);
    expect(cut.valid).toBe(false);
    expect(cut.partitions[0]!.steps).toBeLessThan(full.partitions[0]!.steps);
    expect(cut.explanation?.searchCutShort).toBe(true);
    expect(full.explanation?.searchCutShort).toBeUndefined();
    expect({ ...cut.explanation, searchCutShort: undefined }).toEqual({
      ...full.explanation,
      searchCutShort: undefined,
    });
  });
});
