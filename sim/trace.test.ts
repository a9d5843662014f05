import { describe, expect, test } from 'vitest';
import { Trace } from './trace.js';

describe('Trace', () => {
  test('digest() depends on every line, across chunk boundaries', () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => `line ${index}`);
    const a = new Trace(10);
    const b = new Trace(10);
    const c = new Trace(10);
    for (const line of lines) {
      a.record(line);
      b.record(line);
      c.record(line === 'line 5' ? 'line 5!' : line);
    }
    expect(a.digest()).toBe(b.digest());
    expect(a.digest()).not.toBe(c.digest());
    expect(a.digest()).toMatch(/^[0-9a-f]{64}$/);
    expect(a.lineCount).toBe(20_000);
  });

  test('lastLines() keeps the newest linesKeptMax lines, oldest first', () => {
    const trace = new Trace(3);
    for (const line of ['a', 'b', 'c', 'd', 'e']) trace.record(line);
    expect(trace.lastLines()).toEqual(['c', 'd', 'e']);
  });
});
