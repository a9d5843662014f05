import { describe, expect, test } from 'vitest';
import { checkHistory } from '../checker/index.js';
import type { MicroOp } from './micro-ops.js';
import { runAgainstMemory } from './testing/run.js';
import { firstSerialMismatch } from './testing/serial-txn-check.js';
import { wrWorkload } from './wr.js';
import { wrAsEtcdModelHistory } from './wr-etcd-model.js';

describe('wrWorkload()', () => {
  test('wrWorkload() records rw-register txns whose reads match a serial replay', async () => {
    const workload = wrWorkload({ keyPrefix: 'w/' });
    const { history } = await runAgainstMemory(workload, { seed: 8, opsMax: 200 });
    expect(workload.checker).toEqual({ kind: 'checker', name: 'rw-register' });
    const ok = history.filter((event) => event.type === 'ok');
    expect(ok).toHaveLength(200);
    const reads = ok.flatMap((event) => (event.value as MicroOp[]).filter(([f]) => f === 'r'));
    expect(reads.some(([, , value]) => typeof value === 'number')).toBe(true);
    expect(firstSerialMismatch(history, 'w')).toBeUndefined();
  });

  test('wrWorkload() histories, lost answers included, pass the etcd model as whole txns', async () => {
    const { history } = await runAgainstMemory(wrWorkload({ keyPrefix: 'w/' }), {
      seed: 8,
      opsMax: 150,
      lostPerMille: 60,
    });
    expect(history.some((event) => event.type === 'info')).toBe(true);
    const translated = wrAsEtcdModelHistory(history);
    expect(checkHistory(translated, { model: 'etcd' }).valid).toBe(true);
    // The same history with one read changed is not serializable.
    const index = translated.findIndex(
      (event) =>
        event.type === 'ok' &&
        (event.value as { results: unknown[] }).results.some((v) => typeof v === 'number'),
    );
    const broken = translated.map((event, i) =>
      i === index
        ? {
            ...event,
            value: {
              succeeded: true,
              results: (event.value as { results: unknown[] }).results.map((v) =>
                typeof v === 'number' ? v + 1000 : v,
              ),
            },
          }
        : event,
    );
    expect(checkHistory(broken, { model: 'etcd' }).valid).toBe(false);
  });

  test('wrWorkload() replay notices a stale read', async () => {
    const { history } = await runAgainstMemory(wrWorkload({ keyPrefix: 'w/' }), { seed: 8, opsMax: 200 });
    // Corrupt one read the way a stale replica would have answered it.
    const index = history.findIndex(
      (event) =>
        event.type === 'ok' &&
        (event.value as MicroOp[]).some(([f, , v]) => f === 'r' && typeof v === 'number'),
    );
    const corrupted = history.map((event, i) =>
      i === index
        ? {
            ...event,
            value: (event.value as MicroOp[]).map(
              ([f, k, v]): MicroOp => (f === 'r' && typeof v === 'number' ? [f, k, v + 1000] : [f, k, v]),
            ),
          }
        : event,
    );
    expect(firstSerialMismatch(history, 'w')).toBeUndefined();
    expect(firstSerialMismatch(corrupted, 'w')).toMatch(/read of/);
  });
});
