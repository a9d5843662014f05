// Fault intervals from nemesis events, in the naming conventions the report accepts.
import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from '../checker/history-builder.js';
import { faultIntervals } from './nemesis.js';

describe('faultIntervals()', () => {
  test('faultIntervals() pairs start-<fault> with stop-<fault> and counts an invoke/info pair once', () => {
    const history = new HistoryBuilder()
      .invoke('nemesis', 'start-partition', { value: 'halves' })
      .info('nemesis', 'start-partition', { value: 'halves' })
      .invoke('nemesis', 'start-kill', { value: ['n1'] })
      .invoke('nemesis', 'stop-partition')
      .info('nemesis', 'stop-partition').history;
    expect(faultIntervals(history)).toEqual([
      { name: 'partition', startTime: 0, endTime: 3, detail: 'halves', startIndex: 0 },
      { name: 'kill', startTime: 2, endTime: undefined, detail: ['n1'], startIndex: 2 },
    ]);
  });

  test('faultIntervals() ends every open fault on heal and keeps other events as instants', () => {
    const history = new HistoryBuilder()
      .info('nemesis', 'start-pause')
      .info('nemesis', 'start-clock-skew')
      .info('nemesis', 'bitflip', { value: 'wal' })
      .info('nemesis', 'heal').history;
    expect(faultIntervals(history).map((fault) => [fault.name, fault.startTime, fault.endTime])).toEqual([
      ['pause', 0, 3],
      ['clock-skew', 1, 3],
      ['bitflip', 2, 2],
    ]);
  });

  test('faultIntervals() ignores client events', () => {
    const history = new HistoryBuilder().invoke(0, 'start-read').ok(0, 'start-read').history;
    expect(faultIntervals(history)).toEqual([]);
  });
});
