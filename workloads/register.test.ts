import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkHistory } from '../checker/index.js';
import { registerWorkload } from './register.js';
import { runAgainstMemory } from './testing/run.js';

const runs = Number(process.env.WORKLOADS_PROPERTY_RUNS ?? 10);

describe('registerWorkload()', () => {
  test('registerWorkload() against a correct store gives a history the cas-register checker accepts', async () => {
    const workload = registerWorkload({ keyPrefix: 'run1/' });
    const { history } = await runAgainstMemory(workload, { seed: 42, opsMax: 300 });
    expect(workload.checker).toEqual({ kind: 'model', model: 'cas-register' });
    const fs = new Set(history.map((event) => `${event.f}:${event.type}`));
    for (const seen of ['read:ok', 'write:ok', 'cas:ok', 'cas:fail']) expect(fs).toContain(seen);
    expect(checkHistory([...history], { model: 'cas-register' }).valid).toBe(true);
  });

  test('registerWorkload() against a store serving stale reads gives a history found invalid', async () => {
    const { history } = await runAgainstMemory(registerWorkload({ keyPrefix: 'run1/' }), {
      seed: 42,
      opsMax: 300,
      staleReads: 3,
    });
    expect(checkHistory([...history], { model: 'cas-register' }).valid).toBe(false);
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 31 })], { numRuns: runs, seed: 23 })(
    'registerWorkload() histories with lost answers carry them as info and stay valid',
    async (seed) => {
      const { history } = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), {
        seed,
        opsMax: 120,
        lostPerMille: 100,
      });
      const info = history.filter((event) => event.type === 'info');
      expect(info.length).toBeGreaterThan(0);
      for (const event of info) expect(['write', 'cas']).toContain(event.f);
      // A process whose op ended info never invokes again (Jepsen's retirement rule).
      for (const event of info)
        expect(history.slice(event.index + 1).some((later) => later.process === event.process)).toBe(false);
      expect(checkHistory([...history], { model: 'cas-register' }).valid).toBe(true);
    },
  );

  test('registerWorkload() keeps every key under its prefix', async () => {
    const { MemoryEtcd } = await import('./testing/memory-etcd.js');
    const { ManualClock } = await import('../server/ports/testing/manual-clock.js');
    const clock = new ManualClock();
    const service = new MemoryEtcd({ clock });
    const { InProcessClient } = await import('./in-process-client.js');
    const client = new InProcessClient(service, { clock });
    const workload = registerWorkload({ keyPrefix: 'isolated/' });
    await workload.invoke({ f: 'write', key: 'r1', value: 3 }, { client, clock, worker: 0, timeoutMs: 100 });
    const all = await service.range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) });
    expect(all.kvs.map((kv) => Buffer.from(kv.key).toString())).toEqual(['isolated/r1']);
  });
});
