// `etcd-chaos test-all` as users run it, from the build: runs execute in forked child
// processes (two jobs), every run is stored, the summary and overall line are printed,
// and `replay` of a run a child stored reproduces its history hash in a fresh process;
// in process mode each cell runs on its own etcd-ts cluster behind Toxiproxy.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

const cli = resolve('dist/runner/cli.js');
const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-test-all-real-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

function etcdChaos(args: string[], timeoutMs = 110_000): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { status: result.status, stdout: `${result.stdout}${result.stderr}` };
}

describe('etcd-chaos test-all (built)', () => {
  test('`test-all --jobs 2` runs a small matrix in child processes and `replay` reproduces a run', () => {
    const args = ['--workloads', 'register,watch', '--nemeses', 'none,kill', '--time-limit', '4'];
    const run = etcdChaos(['test-all', ...args, '--jobs', '2', '--seed', '3', '--store', store]);
    expect(run.stdout).toMatch(/overall: VALID — 4 runs: 4 valid/);
    expect(run.status).toBe(0);
    const directory = /^watch\/kill +VALID .* (\S+)$/m.exec(run.stdout)?.[1];
    expect(directory).toBeDefined();
    const replay = etcdChaos(['replay', directory!]);
    expect(replay.stdout).toContain('history hash matches');
    expect(replay.status).toBe(0);
  });

  test('`test-all --mode process` runs each cell on its own etcd-ts cluster and stores it', () => {
    const args = [
      '--workloads',
      'register',
      '--nemeses',
      'none,kill',
      '--time-limit',
      '8',
      '--interval',
      '2',
    ];
    const run = etcdChaos(
      ['test-all', '--mode', 'process', ...args, '--seed', '3', '--store', store],
      170_000,
    );
    expect(run.stdout).toContain(
      'test-all: 2 process runs (1 workloads x 2 fault sets) on 3 etcd-ts members',
    );
    expect(run.stdout).toMatch(/overall: VALID — 2 runs: 2 valid/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^register\/kill +VALID .* \S+process-etcd-ts-register-kill\S*$/m);
  }, 180_000);
});
