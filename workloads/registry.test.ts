import { describe, expect, test } from 'vitest';
import { models } from '../checker/index.js';
import { workloads } from './registry.js';
import { runAgainstMemory } from './testing/run.js';

describe('workloads', () => {
  test.each([...workloads.keys()])(
    'workloads.get(%s) builds a workload that runs cleanly against a correct store',
    async (name) => {
      const workload = workloads.get(name)!({ keyPrefix: `${name}/` });
      expect(workload.name).toBe(name);
      if (workload.checker.kind === 'model') expect(models.has(workload.checker.model)).toBe(true);
      const { history, opCount } = await runAgainstMemory(workload, { seed: 99, opsMax: 80 });
      expect(opCount).toBeGreaterThanOrEqual(80);
      expect(history.filter((event) => event.type === 'invoke')).toHaveLength(opCount);
      // Nothing is lost, so nothing is indeterminate, except a lock wait that outlasts
      // the 1 s request timeout behind other holders (the server may still grant it).
      expect(history.filter((event) => event.type === 'info' && event.f !== 'acquire')).toEqual([]);
    },
  );

  test.each([...workloads.keys()])(
    'workloads.get(%s) gives the same history for the same seed',
    async (name) => {
      const run = () =>
        runAgainstMemory(workloads.get(name)!({ keyPrefix: `${name}/` }), { seed: 5, opsMax: 60 });
      const first = await run();
      const second = await run();
      expect(second.history).toEqual(first.history);
    },
  );

  test('workloads holds every workload of issue 7', () => {
    for (const name of [
      'register',
      'set',
      'append',
      'wr',
      'lock',
      'lock-txn',
      'watch',
      'lease',
      'kubernetes',
    ]) {
      expect(workloads.has(name)).toBe(true);
    }
  });
});
