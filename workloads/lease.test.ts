import { describe, expect, test } from 'vitest';
import { leaseTtlSeconds, leaseWorkload } from './lease.js';
import { runAgainstMemory } from './testing/run.js';

describe('leaseWorkload()', () => {
  test('leaseWorkload() grants, renews, reads and revokes, and reads only keys of live leases', async () => {
    const { history } = await runAgainstMemory(leaseWorkload({ keyPrefix: 'e/' }), {
      seed: 21,
      opsMax: 300,
      rateOpsPerSecond: 20,
    });
    const fs = new Set(history.filter((e) => e.type === 'ok').map((e) => e.f));
    expect([...fs].sort()).toEqual(['grant', 'keepalive', 'read', 'revoke']);
    // Last time each lease was granted or renewed with a live TTL.
    const refreshed = new Map<number, number>();
    let expiredReads = 0;
    for (const event of history) {
      if (event.type !== 'ok') continue;
      const value = event.value as { lease: number; ttlSeconds: number } | number | null;
      if (
        (event.f === 'grant' || event.f === 'keepalive') &&
        typeof value === 'object' &&
        value !== null &&
        value.ttlSeconds > 0
      ) {
        refreshed.set(value.lease, event.time);
      }
      if (event.f === 'read' && typeof value === 'number') {
        expect(event.time - (refreshed.get(value) ?? -Infinity)).toBeLessThanOrEqual(leaseTtlSeconds * 1000);
      }
      if (event.f === 'read' && value === null) expiredReads += 1;
    }
    expect(expiredReads).toBeGreaterThan(0);
  });
});
