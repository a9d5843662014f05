// Docker mode end to end through the CLI: `etcd-chaos test --mode docker` runs three
// containers of each system under test for 30 s under partitions (Toxiproxy on every peer
// and client link) and kills (`docker kill`, started again on the same data), stores the
// run with its report and the member logs, and is VALID; no labelled container of the
// run is left behind. About 40 s per system.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from './testing/cli-run.js';

const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-docker-runs-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

function ownContainers(): string[] {
  return execFileSync(
    'docker',
    [
      'ps',
      '--all',
      '--quiet',
      '--filter',
      'label=etcd-chaos',
      '--filter',
      `label=etcd-chaos.pid=${process.pid}`,
    ],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter((line) => line.trim() !== '');
}

describe('docker mode smoke run', () => {
  test.each(['etcd-ts', 'etcd'])(
    '`test --mode docker --db %s` under partition+kill for 30 s is VALID and leaves no container',
    async (db) => {
      const run = await runCli([
        'test',
        '--mode',
        'docker',
        '--db',
        db,
        '--workload',
        'register',
        '--nemesis',
        'partition,kill',
        '--nodes',
        '3',
        '--time-limit',
        '30',
        '--interval',
        '4',
        '--recovery',
        '8',
        '--rate',
        '50',
        '--request-timeout',
        '1000',
        '--seed',
        '3',
        '--store',
        store,
      ]);
      expect(run.output).toMatch(/verdict: VALID/);
      expect(run.code).toBe(0);
      const runDir = /^run dir: (.*)$/m.exec(run.output)?.[1];
      expect(runDir).toBeDefined();
      const history = readFileSync(join(runDir!, 'history.jsonl'), 'utf8');
      expect(history).toMatch(/"f":"start-(partition|kill)"/);
      for (const file of ['report.html', 'results.json', 'test.json', 'n1.log']) {
        expect(existsSync(join(runDir!, file))).toBe(true);
      }
      expect(ownContainers()).toEqual([]);
    },
    180_000,
  );
});
