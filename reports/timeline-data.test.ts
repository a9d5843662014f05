// The timeline's embedded data: compact columns, and a detail budget that still keeps
// every operation near a violation described.
import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from '../checker/history-builder.js';
import { reportOperations, timeSpan } from './operations.js';
import { detailCharsMax, neighbourhoodOperations, timelineData } from './timeline-data.js';

describe('timelineData()', () => {
  test('timelineData() stops adding details at the budget but keeps them around highlighted operations', () => {
    const builder = new HistoryBuilder();
    const long = 'v'.repeat(500);
    const operationCount = 12_000;
    for (let i = 0; i < operationCount; i++) {
      builder
        .invoke(i % 4, 'write', { key: `k${i % 3}`, value: long })
        .ok(i % 4, 'write', { key: `k${i % 3}`, value: long });
    }
    const operations = reportOperations(builder.history);
    const lastCallIndex = operations.at(-1)!.callIndex;
    const data = timelineData(operations, {
      span: timeSpan(builder.history),
      faults: [],
      msPerTimeUnit: 1,
      highlightedCallIndexes: new Map([[lastCallIndex, 'stale']]),
    });
    expect(data.start.length).toBe(operationCount);
    expect(data.functions).toEqual(['write']);
    expect(data.keys).toEqual(['k0', 'k1', 'k2']);
    const described = data.detail.filter((detail) => detail !== null);
    const characters = described.reduce((sum, detail) => sum + detail.length, 0);
    expect(characters).toBeLessThan(detailCharsMax + (neighbourhoodOperations + 2) * 250);
    expect(data.detail[0]).not.toBeNull();
    expect(data.detail[operationCount - neighbourhoodOperations - 100]).toBeNull();
    for (let i = operationCount - neighbourhoodOperations; i < operationCount; i++)
      expect(data.detail[i]).not.toBeNull();
    expect(data.highlights).toEqual([{ operation: operationCount - 1, reason: 'stale' }]);
  });

  test('timelineData() marks never-completed operations with end -1 and times relative to the start', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'read')
      .invoke(1, 'write', { value: 1 })
      .fail(1, 'write').history;
    for (const event of history) event.time += 1000;
    const data = timelineData(reportOperations(history), {
      span: timeSpan(history),
      faults: [],
      msPerTimeUnit: 1,
      highlightedCallIndexes: new Map(),
    });
    expect(data.start).toEqual([0, 1]);
    expect(data.end).toEqual([-1, 2]);
    expect(data.status).toEqual([2, 1]);
    expect(data.detail).toEqual(['- -> never completed', '1 -> -']);
  });
});
