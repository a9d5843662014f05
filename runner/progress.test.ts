// Progress output: plain lines (CI) at most once per period plus one per finished item;
// a cli-progress bar (terminal) showing done/total and what is running.

import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createProgress } from './progress.js';

describe('createProgress', () => {
  test('`createProgress()` without a terminal prints a line per finished item and periodic lines', () => {
    const lines: string[] = [];
    let nowMs = 0;
    const progress = createProgress({
      total: 4,
      tty: false,
      write: (text) => lines.push(text),
      lineEveryMs: 1_000,
      nowMs: () => nowMs,
    });
    progress.update({ done: 0, current: ['a'] });
    nowMs = 500;
    progress.update({ done: 0, current: ['a'] });
    expect(lines).toEqual([]);
    nowMs = 1_200;
    progress.update({ done: 1, current: ['b', 'c'] });
    progress.finished('[2/4] b: VALID');
    expect(lines).toEqual(['  1/4 runs done; running b, c\n', '[2/4] b: VALID\n']);
    progress.stop();
  });

  test('`createProgress()` on a terminal draws a bar with done/total and the running items', () => {
    let drawn = '';
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        drawn += chunk.toString('utf8');
        callback();
      },
    });
    const progress = createProgress({ total: 10, tty: true, write: () => {}, stream });
    progress.update({ done: 3, current: ['register/kill 5s'] });
    progress.finished('[3/10] register/kill: VALID');
    progress.stop();
    expect(drawn).toContain('3/10 runs');
    expect(drawn).toContain('register/kill 5s');
    expect(drawn).toContain('[3/10] register/kill: VALID\n');
  });
});
