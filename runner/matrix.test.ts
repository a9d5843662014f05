// The test-all matrix: the default is every workload (but the demonstration ones) under
// none, each registered nemesis and mixed; run seeds depend only on the matrix seed, the
// workload and the fault set; bad names are ConfigErrors naming the field.

import { describe, expect, test } from 'vitest';
import { nemeses } from '../nemesis/registry.js';
import { ConfigError } from '../server/config-error.js';
import { workloads } from '../workloads/registry.js';
import { defaultNemesisSets, demonstrationWorkloads, matrixRuns, nemesesOfSet, runSeedOf } from './matrix.js';

describe('matrixRuns', () => {
  test('`matrixRuns()` by default crosses every registered workload with none, each nemesis and mixed', () => {
    const runs = matrixRuns({ seed: 1 });
    const expected = [...workloads.keys()].filter((name) => !demonstrationWorkloads.has(name));
    expect(new Set(runs.map((run) => run.workload))).toEqual(new Set(expected));
    expect(defaultNemesisSets()).toEqual(['none', ...nemeses.keys(), 'mixed']);
    expect(runs).toHaveLength(expected.length * (nemeses.size + 2));
    const mixed = runs.find((run) => run.nemesisSet === 'mixed')!;
    expect(mixed.options.nemesis).toEqual([...nemeses.keys()]);
    expect(runs.find((run) => run.nemesisSet === 'none')!.options.nemesis).toEqual([]);
    expect(new Set(runs.map((run) => run.name)).size).toBe(runs.length);
  });

  test('`matrixRuns()` gives a cell the same seed whatever else the matrix holds', () => {
    const small = matrixRuns({ seed: 9, workloads: ['register'], nemesisSets: ['kill'] })[0]!;
    const large = matrixRuns({ seed: 9 }).find((run) => run.name === 'register/kill')!;
    expect(large.options.seed).toBe(small.options.seed);
    expect(small.options.seed).toBe(runSeedOf(9, 'register', 'kill'));
    expect(runSeedOf(10, 'register', 'kill')).not.toBe(small.options.seed);
    expect(small.options.seed).toBeLessThan(2 ** 31);
  });

  test('`nemesesOfSet()` composes `a+b`, and unknown names are ConfigErrors', () => {
    expect(nemesesOfSet('partition+kill')).toEqual(['partition', 'kill']);
    expect(() => nemesesOfSet('partition+flood')).toThrow(ConfigError);
    expect(() => matrixRuns({ seed: 1, workloads: ['nope'] })).toThrow(/workload/);
    expect(() => matrixRuns({ seed: 1, workloads: [] })).toThrow(ConfigError);
    expect(() => matrixRuns({ seed: 1, timeLimitS: -1 })).toThrow(/timeLimitS/);
  });
});
