// The membership nemesis on real process clusters through the CLI, with the real
// toxiproxy-server: under membership+partition a member is removed (MemberRemove, then
// stopped) and added back as a fresh member (MemberAdd, a new data dir, started with
// --initial-cluster-state=existing), on etcd-ts and on Debian's etcd, and the run is
// VALID. ~30-40 s per run.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCli } from './testing/cli-run.js';

const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-membership-runs-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

interface NemesisRecord {
  readonly f: string;
  readonly value: { readonly remove?: number | null; readonly add?: number | null };
}

function nemesisRecords(directory: string): NemesisRecord[] {
  return readFileSync(join(directory, 'history.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"process":"nemesis"'))
    .map((line) => JSON.parse(line) as NemesisRecord);
}

describe('the membership nemesis in process mode', () => {
  test.each(['etcd-ts', 'etcd'])(
    '`test --mode process --db %s --nemesis membership,partition` removes a member, adds it back and is VALID',
    async (db) => {
      const run = await runCli([
        'test',
        '--mode',
        'process',
        '--db',
        db,
        '--nemesis',
        'membership,partition',
        '--time-limit',
        '25',
        '--interval',
        '3',
        '--recovery',
        '6',
        '--workload',
        'register',
        '--rate',
        '100',
        '--request-timeout',
        '1000',
        '--store',
        store,
        '--seed',
        '11',
      ]);
      expect(run.output).toContain('verdict: VALID');
      expect(run.code).toBe(0);
      const directory = /^run dir: (.*)$/m.exec(run.output)?.[1];
      expect(directory).toBeDefined();
      const records = nemesisRecords(directory!);
      const removed = records.find((record) => record.f === 'start-membership')?.value.remove;
      expect(removed).toEqual(expect.any(Number));
      const added = records
        .filter((record) => record.f === 'stop-membership')
        .map((record) => record.value.add);
      expect(added).toContain(removed);
      if (db === 'etcd-ts') {
        // The slot came back as a new member: its log names two member ids.
        const log = readFileSync(join(directory!, `n${removed}.log`), 'utf8');
        const ids = new Set(
          [...log.matchAll(/etcd-ts member ([0-9a-f]+) started/g)].map((match) => match[1]),
        );
        expect(ids.size).toBeGreaterThanOrEqual(2);
      }
    },
    150_000,
  );
});
