// The workloads' gRPC client against real etcd with real etcd's own lease ids: etcd
// picks 63-bit ids, past the 2^53 a JavaScript number holds exactly, so ids travel as
// decimal strings. An explicit id above 2^53 must round-trip through grant, attach,
// time-to-live, keep-alive and revoke; and the lease and kubernetes workloads, whose
// histories carry those ids, must come out VALID in process mode.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { type ProcessCluster, startProcessCluster } from '../runner/process-cluster.js';
import { runCli } from '../runner/testing/cli-run.js';
import { GrpcClient } from './grpc-client.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** 2^53 + 1: as a number it would silently become 2^53. */
const leaseIdPastDoubles = '9007199254740993';

const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-lease-ids-'));
afterAll(() => rmSync(store, { recursive: true, force: true }));

describe('GrpcClient lease ids against real etcd', () => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('`leaseGrant()` with an id above 2^53 round-trips through put, time-to-live, keep-alive and revoke', async () => {
    cluster = await startProcessCluster({ kind: 'etcd', size: 1 });
    const client = new GrpcClient((cluster.endpoints[0] ?? '').replace(/^https?:\/\//, ''));
    try {
      const grant = await client.leaseGrant({ ttlSeconds: 60, id: leaseIdPastDoubles });
      expect(grant.id).toBe(leaseIdPastDoubles);
      await client.put({ key: bytes('leased'), value: bytes('v'), lease: grant.id });
      const read = await client.range({ key: bytes('leased') });
      expect(read.kvs[0]?.lease).toBe(leaseIdPastDoubles);
      const alive = await client.leaseTimeToLive({ id: leaseIdPastDoubles, keys: true });
      expect(alive.id).toBe(leaseIdPastDoubles);
      expect(alive.grantedTtlSeconds).toBe(60);
      expect(alive.ttlSeconds).toBeGreaterThan(0);
      expect(alive.keys.map((key) => new TextDecoder().decode(key))).toEqual(['leased']);
      const renewed = await client.leaseKeepAlive({ id: leaseIdPastDoubles });
      expect(renewed.id).toBe(leaseIdPastDoubles);
      expect(renewed.ttlSeconds).toBe(60);
      await client.leaseRevoke({ id: leaseIdPastDoubles });
      expect((await client.leaseTimeToLive({ id: leaseIdPastDoubles })).ttlSeconds).toBe(-1);
      expect((await client.range({ key: bytes('leased') })).kvs).toEqual([]);
      // A lease etcd picks itself comes back as its exact digits too.
      const picked = await client.leaseGrant({ ttlSeconds: 60 });
      expect(picked.id).toMatch(/^[1-9]\d*$/);
      expect((await client.leaseTimeToLive({ id: picked.id })).id).toBe(picked.id);
      await client.leaseRevoke({ id: picked.id });
    } finally {
      client.close();
    }
  });
});

describe('lease-carrying workloads in process mode against real etcd', () => {
  test.each(['lease', 'kubernetes'])(
    '`test --mode process --db etcd --workload %s` is VALID',
    async (workload) => {
      const run = await runCli([
        'test',
        '--mode',
        'process',
        '--db',
        'etcd',
        '--workload',
        workload,
        '--time-limit',
        '20',
        '--store',
        store,
        '--seed',
        '3',
      ]);
      expect(run.output).toContain('verdict: VALID');
      expect(run.code).toBe(0);
      if (workload !== 'lease') return;
      // The history holds etcd's own ids, exact: past 2^53 and not rounded to a double.
      const directory = /^run dir: (.*)$/m.exec(run.output)?.[1] ?? '';
      const history = readFileSync(join(directory, 'history.jsonl'), 'utf8');
      const leases = [...history.matchAll(/"lease":"(\d+)"/g)].map((match) => match[1] ?? '');
      expect(leases.length).toBeGreaterThan(0);
      expect(leases.some((id) => BigInt(id) > 2n ** 53n)).toBe(true);
      expect(leases.every((id) => String(BigInt(id)) === id)).toBe(true);
    },
  );
});
