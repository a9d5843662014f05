// The check command end to end in-process: exit codes for valid, invalid, timed-out
// and malformed files, --json output, and the --timeout bound (within 5%).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, test } from 'vitest';
import { HistoryBuilder } from '../../checker/history-builder.js';
import { writeJsonl } from '../../checker/index.js';
import { main } from '../cli.js';

const directory = mkdtempSync(join(tmpdir(), 'etcd-chaos-check-'));

function file(name: string, text: string): string {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
}

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    readFile: (path) => readFile(path, 'utf8'),
  });
  return { code, stdout, stderr };
}

const valid = file(
  'valid.jsonl',
  writeJsonl(
    new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .ok(0, 'write', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 }).history,
  ),
);
const invalid = file(
  'invalid.jsonl',
  writeJsonl(
    new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .ok(0, 'write', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 2 }).history,
  ),
);
const malformed = file(
  'malformed.jsonl',
  '{"index":0,"time":0,"process":0,"type":"invoke","f":"read"}\n{"index":1,"time":1,"process":0,"type":"done","f":"read"}\n',
);
const empty = file('empty.jsonl', '');

/**
 * A history whose search cannot finish: 22 concurrent writes the final read can never
 * explain (it returns a value nobody wrote), each write observed by some read so none is
 * pruned; the search must try every subset and order before giving up.
 */
function hardHistory(): string {
  const builder = new HistoryBuilder();
  const writers = 22;
  for (let i = 0; i < writers; i++) builder.invoke(i, 'write', { value: i });
  for (let i = 0; i < writers; i++) builder.invoke(100 + i, 'read');
  for (let i = 0; i < writers; i++) builder.ok(100 + i, 'read', { value: (i * 7) % writers });
  for (let i = 0; i < writers; i++) builder.ok(i, 'write', { value: i });
  builder.invoke(200, 'read').ok(200, 'read', { value: -1 });
  return writeJsonl(builder.history);
}

describe('etcd-chaos check', () => {
  test('main() exits 0 for a valid history and an empty one', async () => {
    const result = await run(['check', '--model', 'register', valid, empty]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid.jsonl: valid');
  });

  test('main() exits 1 for an invalid history and explains it in one sentence', async () => {
    const result = await run(['check', '--model', 'register', valid, invalid]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'INVALID: the read of the register that returned 2, but the state is value 1',
    );
  });

  test('main() prints one JSON object per file with --json', async () => {
    const result = await run(['check', '--model', 'register', '--json', valid, invalid]);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.file, line.valid])).toEqual([
      [valid, true],
      [invalid, false],
    ]);
    expect(lines[1].explanation.couldNotPlace[0].description).toBe(
      'the read of the register that returned 2',
    );
    expect(typeof lines[0].ms).toBe('number');
  });

  test('main() exits 254 naming file, line and field for malformed input', async () => {
    const result = await run(['check', '--model', 'register', malformed]);
    expect(result.code).toBe(254);
    expect(result.stderr).toBe(
      `etcd-chaos check: ${malformed}:2: type: expected invoke, ok, fail or info, got "done"\n`,
    );
  });

  test('main() exits 254 for bad flags and missing files, without a stack trace', async () => {
    for (const args of [
      ['check', '--model', 'nope', valid],
      ['check', valid],
      ['check', '--model', 'register', '--timeout', '-1', valid],
      ['check', '--model', 'register', '--bogus', valid],
      ['check', '--model', 'register', join(directory, 'missing.jsonl')],
      ['frobnicate'],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(254);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('main() exits 2 on timeout, within 5% of --timeout', async () => {
    const hard = file('hard.jsonl', hardHistory());
    const timeoutSeconds = 1;
    const startMs = performance.now();
    const result = await run([
      'check',
      '--model',
      'register',
      '--timeout',
      String(timeoutSeconds),
      '--json',
      hard,
    ]);
    const elapsedMs = performance.now() - startMs;
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).valid).toBe('unknown');
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutSeconds * 1000);
    expect(elapsedMs).toBeLessThanOrEqual(timeoutSeconds * 1000 * 1.05);
  });
});
