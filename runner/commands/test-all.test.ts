// `etcd-chaos test-all` in-process: a small matrix stores every run as `test` does
// (test.json with seed, replay command and hash; the index), prints the summary table
// and overall line, exits with the worst verdict's code; jobs run at once up to
// `--jobs`; bad arguments exit 254 naming the option.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { main } from '../cli.js';
import { matrixRuns } from '../matrix.js';
import { clusterOptionsOf } from '../matrix-cluster-executor.js';
import type { MatrixExecutor, MatrixRunOutcome } from '../matrix-executor.js';
import { createProgress } from '../progress.js';
import { captureIo } from '../testing/cli-run.js';
import {
  createTestAllCommand,
  exitCodeOfMatrix,
  type FinishedRun,
  parseTestAllArgs,
  runMatrix,
} from './test-all.js';

const stores: string[] = [];
afterAll(() => {
  for (const store of stores) rmSync(store, { recursive: true, force: true });
});

function temporaryStore(): string {
  const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-test-all-'));
  stores.push(store);
  return store;
}

function outcome(verdict: true | false | 'unknown'): MatrixRunOutcome {
  const summary = { verdict, opCount: 1, faultCount: 0, directory: 'd', historyHash: 'h', testCommand: 't' };
  return { type: 'done', summary, wallMs: 1 };
}

describe('test-all', () => {
  test('`test-all` stores every run of a small matrix with its replay command and prints the summary', async () => {
    const store = temporaryStore();
    const { io, output } = captureIo();
    const args = ['--workloads', 'register,set', '--nemeses', 'none,kill', '--time-limit', '3'];
    const code = await createTestAllCommand({ tty: false }).run(
      [...args, '--seed', '4', '--jobs', '2', '--store', store],
      io,
    );
    expect(output()).toContain('matrix seed 4');
    expect(code).toBe(0);
    expect(output()).toMatch(/overall: VALID — 4 runs: 4 valid, 0 invalid, 0 unknown/);
    const rows = output()
      .split('\n')
      .filter((line) => /^(register|set)\/(none|kill) +VALID/.test(line));
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const directory = row.trim().split(/\s+/).at(-1)!;
      const testJson = JSON.parse(readFileSync(join(directory, 'test.json'), 'utf8'));
      expect(testJson.replayCommand).toBe(`etcd-chaos replay ${directory}`);
      expect(testJson.historyHash).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(join(directory, 'report.html'))).toBe(true);
    }
    expect(readFileSync(join(store, 'index.html'), 'utf8')).toContain('sim-register-kill');
  });

  test('`runMatrix()` runs at most one run per executor at a time and keeps matrix order', async () => {
    const runs = matrixRuns({ seed: 1, workloads: ['register', 'set', 'wr'], nemesisSets: ['none', 'kill'] });
    let running = 0;
    let runningMax = 0;
    const executor = (): MatrixExecutor => ({
      async run() {
        running++;
        runningMax = Math.max(runningMax, running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        return outcome(true);
      },
      close() {},
    });
    const lines: string[] = [];
    const progress = createProgress({ total: runs.length, tty: false, write: (text) => lines.push(text) });
    const finished = await runMatrix(runs, { executors: [executor(), executor()], progress });
    expect(runningMax).toBe(2);
    expect(finished.map((run) => run.run.name)).toEqual(runs.map((run) => run.name));
    expect(lines.filter((line) => line.startsWith('['))).toHaveLength(runs.length);
  });

  test('`exitCodeOfMatrix()` is 1 for any invalid, else 2 for any unknown or crash, else 0', () => {
    const [run] = matrixRuns({ seed: 1, workloads: ['register'], nemesisSets: ['none'] });
    const of = (outcomes: MatrixRunOutcome[]): FinishedRun[] =>
      outcomes.map((item) => ({ run: run!, outcome: item }));
    const crashed: MatrixRunOutcome = { type: 'crashed', message: 'boom', wallMs: 1 };
    expect(exitCodeOfMatrix(of([outcome(true), outcome(true)]))).toBe(0);
    expect(exitCodeOfMatrix(of([outcome(true), outcome('unknown')]))).toBe(2);
    expect(exitCodeOfMatrix(of([crashed, outcome(true)]))).toBe(2);
    expect(exitCodeOfMatrix(of([outcome('unknown'), outcome(false), crashed]))).toBe(1);
  });

  test('`parseTestAllArgs()` for process mode on etcd runs one at a time, 30 s each, without clock or disk faults', () => {
    const parsed = parseTestAllArgs(['--mode', 'process', '--db', 'etcd', '--seed', '3']);
    expect(parsed.cluster).toEqual({ mode: 'process', db: 'etcd' });
    expect(parsed.jobs).toBe(1);
    const runs = matrixRuns(parsed.matrix);
    const sets = [...new Set(runs.map((run) => run.nemesisSet))];
    expect(sets).toEqual(['none', 'partition', 'partition-one-way', 'kill', 'pause', 'membership', 'mixed']);
    const mixed = runs.find((run) => run.nemesisSet === 'mixed')!;
    expect(mixed.options.nemesis).toEqual(['partition', 'partition-one-way', 'kill', 'pause', 'membership']);
    expect(mixed.options).toMatchObject({ timeLimitS: 30, intervalS: 5, recoveryS: 10 });
    const cell = clusterOptionsOf(mixed, parsed.cluster!);
    expect(cell).toMatchObject({ mode: 'process', db: 'etcd', seed: mixed.options.seed, timeLimitS: 30 });
  });

  test('`test-all` with bad arguments exits 254 naming the option', async () => {
    for (const [args, flag] of [
      [['--workloads', 'nope'], '--workloads'],
      [['--nemeses', 'flood'], '--nemeses'],
      [['--jobs', '0'], '--jobs'],
      [['--time-limit', 'x'], '--time-limit'],
      [['--mode', 'external'], '--mode'],
      [['--db', 'etcd'], '--db'],
      [['--mode', 'process', '--jobs', '2'], '--jobs'],
      [['--mode', 'process', '--db', 'etcd', '--nemeses', 'clock'], '--nemeses'],
      [['--mode', 'docker', '--nodes', '2', '--nemeses', 'partition'], '--nodes'],
    ] as const) {
      const { io, output } = captureIo();
      expect(await main(['test-all', ...args], io)).toBe(254);
      expect(output()).toContain(flag);
    }
  });
});
