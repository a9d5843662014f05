import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { type DockerClusterOptions, settingsOf } from './docker-cluster-settings.js';

describe('settingsOf()', () => {
  const cases: [string, DockerClusterOptions][] = [
    ['kind', { kind: 'zookeeper' as never, size: 3 }],
    ['size', { kind: 'etcd', size: 0 }],
    ['size', { kind: 'etcd', size: 10 }],
    ['addressOctet', { kind: 'etcd', size: 3, addressOctet: 251 }],
    ['faultControl', { kind: 'etcd', size: 3, faultControl: true }],
    ['electionTimeoutMs', { kind: 'etcd-ts', size: 3, heartbeatMs: 100, electionTimeoutMs: 400 }],
  ];
  test.each(cases)('settingsOf() names %s for options that cannot work', (field, options) => {
    let caught: unknown;
    try {
      settingsOf(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
  });

  test('settingsOf() fills the documented defaults', () => {
    const settings = settingsOf({ kind: 'etcd-ts', size: 3, addressOctet: 9 });
    expect(settings).toMatchObject({
      addressOctet: 9,
      startTimeoutMs: 60_000,
      restartWaitMs: 15_000,
      faultControl: false,
      heartbeatMs: 100,
      electionTimeoutMs: 1000,
      removeDataOnStop: true,
      extraFlags: [],
    });
  });
});
