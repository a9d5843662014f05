// validateClusterOptions(): which nemeses each real mode and database accepts.

import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { type ClusterTestOptions, validateClusterOptions } from './run-cluster.js';

const base: ClusterTestOptions = {
  mode: 'docker',
  db: 'etcd-ts',
  workload: 'register',
  nemesis: [],
  nodes: 3,
  timeLimitS: 30,
  rate: 100,
  concurrency: 6,
  seed: 1,
};

describe('validateClusterOptions()', () => {
  test('validateClusterOptions() accepts clock and disk faults on docker etcd-ts (fault-control endpoint)', () => {
    expect(() => validateClusterOptions({ ...base, nemesis: ['clock', 'disk'] })).not.toThrow();
    expect(() =>
      validateClusterOptions({ ...base, mode: 'process', nemesis: ['clock', 'disk'] }),
    ).not.toThrow();
  });

  test('validateClusterOptions() refuses clock and disk faults on real etcd in docker mode', () => {
    for (const name of ['clock', 'disk']) {
      expect(() => validateClusterOptions({ ...base, db: 'etcd', nemesis: [name] })).toThrow(ConfigError);
    }
  });
});
