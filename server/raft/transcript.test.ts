// Transcript tests (STYLE.md): every testdata/*.txt file is a Raft scenario written as
// commands, a `----` line and the expected trace. Run with UPDATE_TRANSCRIPTS=1 to
// rewrite the traces after an intended change, then read the diff.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { TranscriptRunner } from './testing/transcript.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const update = process.env.UPDATE_TRANSCRIPTS === '1';

/** Replays a transcript and returns it with every trace replaced by the actual one. */
function replay(source: string): string {
  const runner = new TranscriptRunner();
  const lines = source.split('\n');
  const output: string[] = [];
  let position = 0;
  while (position < lines.length) {
    const line = lines[position] as string;
    if (line.trim() === '' || line.startsWith('#')) {
      output.push(line);
      position++;
      continue;
    }
    // A block: command lines up to `----`, then the old trace up to a blank line.
    const commands: string[] = [];
    while (position < lines.length && lines[position] !== '----') commands.push(lines[position++] as string);
    position++;
    while (position < lines.length && (lines[position] as string).trim() !== '') position++;
    output.push(...commands, '----');
    for (const command of commands) output.push(...runner.run(command));
  }
  return output.join('\n');
}

describe('raft transcripts', () => {
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.txt'))) {
    test(`transcript ${file} replays to its recorded trace`, () => {
      const path = join(folder, file);
      const source = readFileSync(path, 'utf8');
      const actual = replay(source);
      if (update) writeFileSync(path, actual);
      else expect(actual).toBe(source);
    });
  }
});
