// The rerun command a real-cluster run stores is exact: parsed again, it gives the same
// options (seed, faults, timing), and run names say mode, db, workload and faults.

import { describe, expect, test } from 'vitest';
import { parseTestArgs } from './commands/test.js';
import { clusterTestCommandOf, clusterTestNameOf } from './run-cluster-store.js';

function reparsed(args: string[]) {
  const first = parseTestArgs(args);
  if (first.mode === 'sim') throw new Error('expected a cluster mode');
  const command = clusterTestCommandOf(first.options);
  const words = command.split(' ').slice(2);
  const second = parseTestArgs(words);
  return { first, second, command };
}

describe('clusterTestCommandOf()', () => {
  test.each([
    [['--mode', 'process', '--db', 'etcd', '--nemesis', 'partition,kill', '--seed', '3', '--interval', '2']],
    [
      [
        '--mode',
        'process',
        '--unsafe-local-reads',
        '--request-timeout',
        '2000',
        '--nodes',
        '5',
        '--seed',
        '8',
      ],
    ],
    [['--mode', 'docker', '--workload', 'set', '--time-limit', '12', '--rate', '30', '--seed', '1']],
  ])('`clusterTestCommandOf()` reruns %j with the same options', (args) => {
    const { first, second } = reparsed(args);
    expect(second.options).toEqual(first.options);
  });

  test('`clusterTestCommandOf()` keeps external endpoints; each run draws a new key prefix', () => {
    const { first, second, command } = reparsed([
      '--mode',
      'external',
      '--endpoints',
      '127.0.0.1:2379',
      '--seed',
      '4',
    ]);
    expect(command).toContain('--endpoints 127.0.0.1:2379');
    expect({ ...second.options, keyPrefix: '' }).toEqual({ ...first.options, keyPrefix: '' });
    expect(second.options).not.toEqual(first.options);
  });

  test('`clusterTestNameOf()` names mode, db, workload and faults', () => {
    const { first } = reparsed([
      '--mode',
      'process',
      '--db',
      'etcd',
      '--nemesis',
      'partition,kill',
      '--seed',
      '3',
    ]);
    expect(clusterTestNameOf(first.options)).toBe('process-etcd-register-partition+kill');
  });
});
