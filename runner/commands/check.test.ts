// The check command end to end in-process: exit codes for valid, invalid, timed-out
// and malformed files, --json output, the --timeout bound (within 5%), and the same for
// each dedicated checker (--checker watch, lock, list-append, rw-register).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, test } from 'vitest';
import { HistoryBuilder } from '../../checker/history-builder.js';
import { writeJsonl } from '../../checker/index.js';
import { main } from '../cli.js';

const directory = mkdtempSync(join(tmpdir(), 'etcd-chaos-check-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

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
 * A history whose search cannot finish: 22 concurrent writes the final cas can never
 * explain (it expects a value nobody wrote), each write observed by some read so none is
 * pruned; the search must try every subset and order before giving up. (A final read of
 * such a value would be proven stale without a search; a cas is not.)
 */
function hardHistory(): string {
  const builder = new HistoryBuilder();
  const writers = 22;
  for (let i = 0; i < writers; i++) builder.invoke(i, 'write', { value: i });
  for (let i = 0; i < writers; i++) builder.invoke(100 + i, 'read');
  for (let i = 0; i < writers; i++) builder.ok(100 + i, 'read', { value: (i * 7) % writers });
  for (let i = 0; i < writers; i++) builder.ok(i, 'write', { value: i });
  builder.invoke(200, 'cas', { value: [-1, 5] }).ok(200, 'cas', { value: [-1, 5] });
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
      'cas-register',
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

  test('main() refuses --model with --checker, an unknown checker, --timeout with --checker and bad --workers', async () => {
    for (const args of [
      ['check', '--model', 'register', '--checker', 'lock', valid],
      ['check', '--checker', 'nope', valid],
      ['check', '--checker', 'lock', '--timeout', '1', valid],
      ['check', '--model', 'register', '--workers', '0', valid],
      ['check', '--model', 'register', '--workers', '1.5', valid],
    ]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(254);
      expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(1);
    }
  });

  test('main() gives the same verdicts and explanations with --workers 1 and --workers 2', async () => {
    const outputs: unknown[] = [];
    for (const workers of ['1', '2']) {
      const result = await run([
        'check',
        '--model',
        'register',
        '--workers',
        workers,
        '--json',
        valid,
        invalid,
      ]);
      expect(result.code).toBe(1);
      const lines = result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((line) => line.valid)).toEqual([true, false]);
      expect(lines[1].explanation.sentence).toMatch(/^the read of the register that returned 2/);
      // Everything but the time spent.
      outputs.push(lines.map(({ ms: _ms, ...rest }) => rest));
    }
    expect(outputs[1]).toEqual(outputs[0]);
  });
});

/** A watch history: two acknowledged writes, and a watch that saw `events`. */
function watchHistoryText(events: Array<[number, string, string, string]>): string {
  return writeJsonl(
    new HistoryBuilder()
      .invoke(0, 'write', { key: 'k0', value: 1 })
      .ok(0, 'write', { key: 'k0', value: { value: 1, revision: 2 } })
      .invoke(0, 'write', { key: 'k1', value: 2 })
      .ok(0, 'write', { key: 'k1', value: { value: 2, revision: 3 } })
      .invoke(1, 'watch', { value: { from: 2 } })
      .ok(1, 'watch', { value: { from: 2, to: 3, events } }).history,
  );
}

const lockValid = writeJsonl(
  new HistoryBuilder()
    .invoke(0, 'acquire')
    .ok(0, 'acquire')
    .invoke(0, 'release')
    .ok(0, 'release')
    .invoke(1, 'acquire')
    .ok(1, 'acquire').history,
);
const lockInvalid = writeJsonl(
  new HistoryBuilder()
    .invoke(0, 'acquire')
    .ok(0, 'acquire')
    .invoke(1, 'acquire')
    .ok(1, 'acquire')
    .invoke(0, 'release')
    .ok(0, 'release').history,
);

/** Transactions one after another: each [invoke micro-ops, completion micro-ops, type]. */
function transactionsText(txns: Array<[unknown[], unknown[], 'ok' | 'fail']>): string {
  const builder = new HistoryBuilder();
  for (const [process, [invoke, complete, type]] of txns.entries()) {
    builder.invoke(process, 'txn', { value: invoke });
    builder[type](process, 'txn', { value: complete });
  }
  return writeJsonl(builder.history);
}

const dedicatedCases: Array<{ checker: string; valid: string; invalid: string; sentence: RegExp }> = [
  {
    checker: 'watch',
    valid: watchHistoryText([
      [2, 'PUT', 'k0', '1'],
      [3, 'PUT', 'k1', '2'],
    ]),
    invalid: watchHistoryText([[3, 'PUT', 'k1', '2']]),
    sentence: /^the put of k0 at 2 was never delivered/,
  },
  { checker: 'lock', valid: lockValid, invalid: lockInvalid, sentence: /^process 1 held the lock from 3/ },
  {
    checker: 'list-append',
    valid: transactionsText([
      [[['append', 'x', 1]], [['append', 'x', 1]], 'ok'],
      [[['r', 'x', null]], [['r', 'x', [1]]], 'ok'],
    ]),
    invalid: transactionsText([
      [[['append', 'x', 1]], [['append', 'x', 1]], 'fail'],
      [[['r', 'x', null]], [['r', 'x', [1]]], 'ok'],
    ]),
    sentence: /^T1 read 1 from key "x", appended by T0, which failed/,
  },
  {
    checker: 'rw-register',
    valid: transactionsText([
      [[['w', 'x', 1]], [['w', 'x', 1]], 'ok'],
      [[['r', 'x', null]], [['r', 'x', 1]], 'ok'],
    ]),
    invalid: transactionsText([
      [[['w', 'x', 1]], [['w', 'x', 1]], 'fail'],
      [[['r', 'x', null]], [['r', 'x', 1]], 'ok'],
    ]),
    sentence: /^T1 read 1 from key "x", written by T0, which failed/,
  },
];

describe('etcd-chaos check --checker', () => {
  for (const { checker, valid, invalid, sentence } of dedicatedCases) {
    test(`main() exits 0, 1 and 254 for valid, invalid and malformed ${checker} histories`, async () => {
      const validFile = file(`${checker}-valid.jsonl`, valid);
      const invalidFile = file(`${checker}-invalid.jsonl`, invalid);
      const malformedFile = file(
        `${checker}-malformed.jsonl`,
        `${valid}{"index":99,"process":0,"type":"ok"}\n`,
      );
      const good = await run(['check', '--checker', checker, validFile]);
      expect(good.code, good.stdout + good.stderr).toBe(0);
      expect(good.stdout).toContain(`${validFile}: valid (${checker}:`);
      const bad = await run(['check', '--checker', checker, '--json', validFile, invalidFile]);
      expect(bad.code, bad.stdout + bad.stderr).toBe(1);
      const lines = bad.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((line) => [line.file, line.valid, typeof line.ms])).toEqual([
        [validFile, true, 'number'],
        [invalidFile, false, 'number'],
      ]);
      expect(lines[0].explanation).toBeNull();
      expect(lines[1].explanation.sentence).toMatch(sentence);
      const malformedResult = await run(['check', '--checker', checker, malformedFile]);
      expect(malformedResult.code).toBe(254);
      expect(malformedResult.stderr).toMatch(new RegExp(`${malformedFile}:\\d+: f: expected a string`));
    });
  }

  test('main() exits 2 for a watch history with no completed watch', async () => {
    const noWatch = file(
      'watch-none.jsonl',
      writeJsonl(new HistoryBuilder().invoke(0, 'write', { key: 'k0', value: 1 }).history),
    );
    const result = await run(['check', '--checker', 'watch', noWatch]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('unknown: no watch completed');
  });
});
