// Options that cannot work are rejected before any process starts, each with a
// ConfigError naming the option and its value.

import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { type ProcessClusterOptions, startProcessCluster } from './process-cluster.js';

const badOptions: readonly [string, ProcessClusterOptions][] = [
  ['kind', { kind: 'zookeeper' as 'etcd' }],
  ['size', { kind: 'etcd', size: 0 }],
  ['size', { kind: 'etcd-ts', size: 2.5 }],
  ['size', { kind: 'etcd-ts', size: 10 }],
  ['host', { kind: 'etcd-ts', host: '10.0.0.1' }],
  ['host', { kind: 'etcd-ts', host: 'localhost' }],
  ['startTimeoutMs', { kind: 'etcd', startTimeoutMs: 0 }],
  ['heartbeatMs', { kind: 'etcd', heartbeatMs: -1 }],
  ['electionTimeoutMs', { kind: 'etcd', heartbeatMs: 100, electionTimeoutMs: 400 }],
  ['clusterToken', { kind: 'etcd-ts', clusterToken: 'has space' }],
];

describe('startProcessCluster()', () => {
  test.each(badOptions)(
    'startProcessCluster() rejects a bad %s with a ConfigError',
    async (field, options) => {
      const outcome = await startProcessCluster(options).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(ConfigError);
      expect((outcome as ConfigError).field).toBe(field);
    },
  );
});
