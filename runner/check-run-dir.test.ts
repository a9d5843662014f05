// `check <run dir>` re-analyzes a stored run with its workload's checker, says whether
// the verdict matches the stored one, writes nothing, and names the file and field of a
// broken run directory.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkRunDirectory, isRunDirectory, printRunDirectoryCheck } from './check-run-dir.js';
import { quietIo } from './matrix-executor.js';
import { storeSimRun } from './sim-run-store.js';
import { captureIo } from './testing/cli-run.js';

let store: string;
let directory: string;

beforeAll(async () => {
  store = mkdtempSync(join(tmpdir(), 'etcd-chaos-check-run-'));
  const stored = await storeSimRun(
    { workload: 'lock', nemesis: ['pause'], nodes: 3, timeLimitS: 4, rate: 100, concurrency: 6, seed: 8 },
    { store, io: quietIo, refreshIndex: false },
  );
  directory = stored.directory;
});
afterAll(() => rmSync(store, { recursive: true, force: true }));

describe('check <run dir>', () => {
  test('`printRunDirectoryCheck()` re-checks a stored run, matches its verdict and writes nothing', async () => {
    expect(isRunDirectory(directory)).toBe(true);
    expect(isRunDirectory(store)).toBe(false);
    const resultsBefore = readFileSync(join(directory, 'results.json'), 'utf8');
    const { io, output } = captureIo();
    expect(await printRunDirectoryCheck(directory, { io, json: false })).toBe(0);
    expect(output()).toContain(`${directory}: VALID (same as stored`);
    expect(output()).toContain('lock (mutual exclusion): VALID');
    expect(readFileSync(join(directory, 'results.json'), 'utf8')).toBe(resultsBefore);
  });

  test('`checkRunDirectory()` finds a planted overlap the stored run did not have', async () => {
    const broken = mkdtempSync(join(store, 'broken-'));
    writeFileSync(join(broken, 'test.json'), JSON.stringify({ workload: 'lock' }));
    writeFileSync(join(broken, 'results.json'), JSON.stringify({ version: 1, valid: true, checkers: [] }));
    const events = [
      { index: 0, time: 1, process: 0, type: 'invoke', f: 'acquire', key: 'lock' },
      { index: 1, time: 2, process: 0, type: 'ok', f: 'acquire', key: 'lock' },
      { index: 2, time: 3, process: 1, type: 'invoke', f: 'acquire', key: 'lock' },
      { index: 3, time: 4, process: 1, type: 'ok', f: 'acquire', key: 'lock' },
    ];
    writeFileSync(
      join(broken, 'history.jsonl'),
      `${events.map((event) => JSON.stringify(event)).join('\n')}\n`,
    );
    const { io, output } = captureIo();
    expect(await printRunDirectoryCheck(broken, { io, json: false })).toBe(1);
    expect(output()).toContain('INVALID (stored verdict was VALID');
    const checked = await checkRunDirectory(broken, io);
    expect(checked.storedValid).toBe(true);
    expect(checked.valid).toBe(false);
  });

  test('`checkRunDirectory()` names the file and field of a broken run directory', async () => {
    const broken = mkdtempSync(join(store, 'bad-'));
    const { io } = captureIo();
    writeFileSync(join(broken, 'test.json'), JSON.stringify({ workload: 'juggling' }));
    await expect(checkRunDirectory(broken, io)).rejects.toThrow(
      /test\.json: workload: "juggling" is not a workload/,
    );
    writeFileSync(join(broken, 'test.json'), JSON.stringify({ workload: 'register' }));
    writeFileSync(join(broken, 'history.jsonl'), '{"index":0,"time":"soon"}\n');
    await expect(checkRunDirectory(broken, io)).rejects.toThrow(/history\.jsonl:1/);
  });
});

describe('etcd-chaos check <run dir>', () => {
  test('`main(check RUN_DIR)` re-analyzes the stored run and exits with its verdict', async () => {
    const { main } = await import('./cli.js');
    const { io, output } = captureIo();
    expect(await main(['check', directory], io)).toBe(0);
    expect(output()).toContain(`${directory}: VALID`);
    const json = captureIo();
    expect(await main(['check', '--json', directory], json.io)).toBe(0);
    expect(JSON.parse(json.output())).toMatchObject({ file: directory, valid: true, storedValid: true });
    const mixed = captureIo();
    expect(await main(['check', '--timeout', '30', directory], mixed.io)).toBe(254);
    expect(mixed.output()).toContain(`${directory} is a run directory: run directories take only --json`);
  });
});
