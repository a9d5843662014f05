import { describe, expect, test } from 'vitest';
import { EtcdError, type EtcdErrorName, etcdErrors } from '../server/api/errors.js';
import { ClientError } from './client.js';
import { classifyError, etcdErrorOutcomes } from './outcome.js';

const indeterminate: EtcdErrorName[] = [
  'noLeader',
  'leaderChanged',
  'stopped',
  'timeout',
  'timeoutDueToLeaderFail',
  'timeoutDueToConnectionLost',
];

describe('classifyError()', () => {
  test('classifyError() maps every catalogued etcd error, with a reason', () => {
    for (const name of Object.keys(etcdErrors) as EtcdErrorName[]) {
      const outcome = classifyError(EtcdError.of(name), { idempotent: false });
      expect(outcome.error).toBe(name);
      expect(outcome.type).toBe(indeterminate.includes(name) ? 'info' : 'fail');
      expect(etcdErrorOutcomes[name].reason.length).toBeGreaterThan(10);
    }
  });

  test('classifyError() makes timeouts and lost connections info, refused connections fail', () => {
    expect(classifyError(new ClientError('timeout', 't'), { idempotent: false }).type).toBe('info');
    expect(classifyError(new ClientError('connection-lost', 'c'), { idempotent: false }).type).toBe('info');
    expect(
      classifyError(new ClientError('status', 's', { sent: true, code: 14 }), { idempotent: false }).type,
    ).toBe('info');
    expect(
      classifyError(new ClientError('connect-failed', 'r', { sent: false }), { idempotent: false }).type,
    ).toBe('fail');
    expect(classifyError(new ClientError('closed', 'x', { sent: false }), { idempotent: false }).type).toBe(
      'fail',
    );
  });

  test('classifyError() makes any error on an idempotent read a fail', () => {
    expect(classifyError(new ClientError('timeout', 't'), { idempotent: true }).type).toBe('fail');
    expect(classifyError(EtcdError.of('leaderChanged'), { idempotent: true }).type).toBe('fail');
    expect(classifyError(new Error('weird'), { idempotent: true }).type).toBe('fail');
  });

  test('classifyError() treats an unrecognised error as info', () => {
    expect(classifyError(new Error('weird'), { idempotent: false })).toMatchObject({
      type: 'info',
      error: 'unknown',
    });
  });
});
