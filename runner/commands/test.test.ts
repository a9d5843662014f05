// The `test` and `replay` commands through the CLI entry point: a short sim run writes a
// complete run directory (test.json with seed and replay command, history, results, a
// report showing the verdict, the store index), replay reproduces its history hash, a
// changed history is caught, and bad configuration exits 254 naming the option.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from '../testing/cli-run.js';

const stores: string[] = [];
afterAll(() => {
  for (const store of stores) rmSync(store, { recursive: true, force: true });
});

function temporaryStore(): string {
  const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-runner-'));
  stores.push(store);
  return store;
}

const shortRun = [
  'test',
  '--mode',
  'sim',
  '--workload',
  'register',
  '--nemesis',
  'partition,kill',
  '--nodes',
  '3',
  '--time-limit',
  '4',
  '--rate',
  '100',
  '--concurrency',
  '6',
  '--interval',
  '1',
  '--recovery',
  '1',
  '--seed',
  '42',
];

function runDirOf(stdout: string): string {
  const match = /^run dir: (.*)$/m.exec(stdout);
  if (match === null) throw new Error(`no run dir in output:\n${stdout}`);
  return match[1]!;
}

describe('test and replay commands', () => {
  test('`testCommand` stores a complete run that `replayCommand` reproduces hash for hash', async () => {
    const store = temporaryStore();
    const run = await runCli([...shortRun, '--store', store]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('seed 42');
    expect(run.stdout).toContain('verdict: VALID');
    const directory = runDirOf(run.stdout);
    expect(directory.startsWith(join(store, 'sim-register-partition+kill'))).toBe(true);
    expect(directory).toMatch(/\/\d{8}T\d{6}$/);
    for (const file of ['test.json', 'history.jsonl', 'results.json', 'report.html']) {
      expect(existsSync(join(directory, file)), file).toBe(true);
    }
    expect(existsSync(join(store, 'index.html'))).toBe(true);
    const testJson = JSON.parse(readFileSync(join(directory, 'test.json'), 'utf8'));
    expect(testJson.seed).toBe('42');
    expect(testJson.replayCommand).toBe(`etcd-chaos replay ${directory}`);
    expect(testJson.testCommand).toContain('--seed 42');
    expect(JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8')).valid).toBe(true);
    const report = readFileSync(join(directory, 'report.html'), 'utf8');
    expect(report).toContain('<h1 id="verdict">valid</h1>');
    expect(report).toMatch(/<td>(partition|kill)<\/td>/);

    const replay = await runCli(['replay', directory]);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain(`history hash matches: ${testJson.historyHash}`);

    // A second run of the same second never overwrites the first.
    const second = await runCli([...shortRun, '--store', store]);
    expect(runDirOf(second.stdout)).not.toBe(directory);

    // An edited history no longer matches its replay.
    writeFileSync(join(directory, 'history.jsonl'), '{}\n');
    const differs = await runCli(['replay', directory]);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toContain('history hash DIFFERS');
  });

  const badConfigs: [string, string[]][] = [
    ['--workload', ['--workload', 'nope']],
    ['--nodes', ['--nemesis', 'partition', '--nodes', '2']],
    ['--nemesis', ['--nemesis', 'flood']],
    ['--time-limit', ['--time-limit', 'soon']],
    ['--mode', ['--mode', 'vm']],
    ['--nodes', ['--mode', 'process', '--nemesis', 'partition', '--nodes', '2']],
    [
      'clock faults are unsupported on real etcd',
      ['--mode', 'process', '--db', 'etcd', '--nemesis', 'clock'],
    ],
    ['--unsafe-local-reads', ['--mode', 'process', '--db', 'etcd', '--unsafe-local-reads']],
    ['--endpoints', ['--mode', 'external']],
    ['--endpoints', ['--mode', 'process', '--endpoints', '127.0.0.1:2379']],
    ['--nemesis', ['--mode', 'external', '--endpoints', '127.0.0.1:2379', '--nemesis', 'kill']],
    ['disk faults need', ['--mode', 'process', '--db', 'etcd', '--nemesis', 'disk']],
    ['--request-timeout', ['--mode', 'sim', '--request-timeout', '100']],
    ['--request-timeout', ['--mode', 'process', '--request-timeout', '0']],
  ];
  test.each(badConfigs)('`testCommand` exits 254 with one line naming %s', async (flag, args) => {
    const store = temporaryStore();
    const run = await runCli(['test', ...args, '--store', store]);
    expect(run.code).toBe(254);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(flag);
    expect(existsSync(join(store, 'index.html'))).toBe(false);
  });

  test('`testCommand` exits 254 naming toxiproxy-server when process mode cannot find it', async () => {
    const store = temporaryStore();
    const path = process.env.PATH;
    process.env.PATH = temporaryStore();
    try {
      const run = await runCli(['test', '--mode', 'process', '--store', store]);
      expect(run.code).toBe(254);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('toxiproxy-server not found');
    } finally {
      process.env.PATH = path;
    }
  });

  test('`replayCommand` exits 254 naming a run dir without test.json', async () => {
    const store = temporaryStore();
    const run = await runCli(['replay', store]);
    expect(run.code).toBe(254);
    expect(run.stderr).toContain('test.json');
  });
});
