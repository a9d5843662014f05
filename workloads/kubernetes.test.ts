import { describe, expect, test } from 'vitest';
import { kubernetesWorkload } from './kubernetes.js';
import { runAgainstMemory } from './testing/run.js';

describe('kubernetesWorkload()', () => {
  test('kubernetesWorkload() mixes lists, watches, creates, optimistic updates and deletes', async () => {
    const { history } = await runAgainstMemory(kubernetesWorkload({ keyPrefix: 'k/' }), {
      seed: 3,
      opsMax: 300,
    });
    const outcomes = new Set(history.filter((e) => e.type !== 'invoke').map((e) => `${e.f}:${e.type}`));
    for (const seen of ['list:ok', 'watch:ok', 'create:ok', 'create:fail', 'update:ok', 'delete:ok']) {
      expect(outcomes).toContain(seen);
    }
    expect(history.filter((e) => e.type === 'info')).toEqual([]);
  });

  test('kubernetesWorkload() lists at a past revision show that revision', async () => {
    const { history } = await runAgainstMemory(kubernetesWorkload({ keyPrefix: 'k/' }), {
      seed: 3,
      opsMax: 300,
    });
    const versions = new Map<number, Record<string, [number, string]>>();
    for (const event of history.filter((e) => e.f === 'list' && e.type === 'ok')) {
      const { revision, items } = event.value as {
        revision: number;
        items: Record<string, [number, string]>;
      };
      for (const [, [modRevision]] of Object.entries(items))
        expect(modRevision).toBeLessThanOrEqual(revision);
      const earlier = versions.get(revision);
      if (earlier !== undefined) expect(items).toEqual(earlier);
      versions.set(revision, items);
    }
    expect(versions.size).toBeGreaterThan(3);
  });
});
