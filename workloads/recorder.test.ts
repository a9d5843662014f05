import { describe, expect, test } from 'vitest';
import { pairOperations } from '../checker/history.js';
import { ManualClock } from '../server/ports/testing/manual-clock.js';
import { Recorder } from './recorder.js';

describe('Recorder', () => {
  test('Recorder.complete() retires a process whose op ended info and replaces it with process + concurrency', () => {
    const recorder = new Recorder({ clock: new ManualClock(), concurrency: 3 });
    expect(recorder.invoke(1, { f: 'write', key: 'a', value: 1 })).toBe(1);
    recorder.complete(1, { type: 'info', error: 'timeout' });
    expect(recorder.processOf(1)).toBe(4);
    expect(recorder.invoke(1, { f: 'read', key: 'a', value: null })).toBe(4);
    recorder.complete(1, { type: 'info', error: 'timeout' });
    expect(recorder.processOf(1)).toBe(7);
  });

  test('Recorder.complete() keeps the process after ok and fail', () => {
    const recorder = new Recorder({ clock: new ManualClock(), concurrency: 2 });
    recorder.invoke(0, { f: 'write', key: 'a', value: 1 });
    recorder.complete(0, { type: 'ok' });
    recorder.invoke(0, { f: 'cas', key: 'a', value: [2, 3] });
    recorder.complete(0, { type: 'fail', error: 'compare-failed' });
    expect(recorder.processOf(0)).toBe(0);
  });

  test('Recorder.history() numbers events, stamps clock time and pairs cleanly', () => {
    const clock = new ManualClock();
    const recorder = new Recorder({ clock, concurrency: 2 });
    recorder.invoke(0, { f: 'write', key: 'a', value: 1 });
    clock.setTimer(5, () => undefined);
    clock.fireNext();
    recorder.invoke(1, { f: 'read', key: 'a', value: null });
    recorder.complete(0, { type: 'ok' });
    recorder.complete(1, { type: 'ok', value: 1 });
    const history = recorder.history();
    expect(history.map((event) => event.index)).toEqual([0, 1, 2, 3]);
    expect(history.map((event) => event.time)).toEqual([0, 5, 5, 5]);
    expect(history[2]).toMatchObject({ process: 0, type: 'ok', f: 'write', value: 1 });
    const operations = pairOperations([...history]);
    expect(operations.map((op) => op.output)).toEqual([1, 1]);
  });

  test('Recorder.invoke() refuses a second invoke on a busy process', () => {
    const recorder = new Recorder({ clock: new ManualClock(), concurrency: 1 });
    recorder.invoke(0, { f: 'read' });
    expect(() => recorder.invoke(0, { f: 'read' })).toThrow(/open/);
  });
});
