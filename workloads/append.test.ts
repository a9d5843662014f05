import { describe, expect, test } from 'vitest';
import { appendWorkload } from './append.js';
import type { MicroOp } from './micro-ops.js';
import { runAgainstMemory } from './testing/run.js';
import { firstSerialMismatch } from './testing/serial-txn-check.js';

describe('appendWorkload()', () => {
  test('appendWorkload() records Elle list-append txns whose reads match a serial replay', async () => {
    const workload = appendWorkload({ keyPrefix: 'a/' });
    const { history } = await runAgainstMemory(workload, { seed: 5, opsMax: 200 });
    expect(workload.checker).toEqual({ kind: 'checker', name: 'list-append' });
    const ok = history.filter((event) => event.type === 'ok');
    expect(ok.length).toBeGreaterThan(150);
    const reads = ok.flatMap((event) => (event.value as MicroOp[]).filter(([f]) => f === 'r'));
    expect(reads.some(([, , value]) => Array.isArray(value) && value.length > 2)).toBe(true);
    for (const event of history.filter((e) => e.type === 'invoke')) {
      const keys = (event.value as MicroOp[]).filter(([f]) => f === 'append').map(([, key]) => key);
      expect(new Set(keys).size).toBe(keys.length);
    }
    expect(firstSerialMismatch(history, 'append')).toBeUndefined();
  });

  test('appendWorkload() fails a txn whose guard no longer holds, changing nothing', async () => {
    const { MemoryEtcd } = await import('./testing/memory-etcd.js');
    const { ManualClock } = await import('../server/ports/testing/manual-clock.js');
    const { InProcessClient } = await import('./in-process-client.js');
    const clock = new ManualClock();
    const service = new MemoryEtcd({ clock });
    const client = new InProcessClient(service, { clock });
    // A concurrent writer slips in between the read and the guarded txn.
    const racing = {
      ...client,
      txn: async (request: Parameters<typeof client.txn>[0]) => {
        if (request.compare.length > 0)
          await client.put({
            key: new TextEncoder().encode('a/append/0'),
            value: new TextEncoder().encode('[9]'),
          });
        return client.txn(request);
      },
    } as typeof client;
    const workload = appendWorkload({ keyPrefix: 'a/' });
    const completion = await workload.invoke(
      { f: 'txn', value: [['append', '0', 1]] },
      { client: racing, clock, worker: 0, timeoutMs: 100 },
    );
    expect(completion).toEqual({ type: 'fail', error: 'guard-failed' });
    const after = await service.range({ key: new TextEncoder().encode('a/append/0') });
    expect(Buffer.from(after.kvs[0]!.value).toString()).toBe('[9]');
  });
});
