// The error catalogue must carry etcd's exact code and text: clients classify errors by
// string match, so these pins are the contract, spot-checked against etcd's rpctypes.

import { describe, expect, test } from 'vitest';
import { EtcdError, etcdErrorFromMessage, etcdErrors, GrpcCode } from './errors.js';

describe('etcdErrors', () => {
  test('etcdErrors carries etcd code and message for the errors clients match on', () => {
    expect(etcdErrors.leaseNotFound).toEqual({
      code: GrpcCode.NOT_FOUND,
      message: 'etcdserver: requested lease not found',
    });
    expect(etcdErrors.compacted).toEqual({
      code: GrpcCode.OUT_OF_RANGE,
      message: 'etcdserver: mvcc: required revision has been compacted',
    });
    expect(etcdErrors.futureRevision).toEqual({
      code: GrpcCode.OUT_OF_RANGE,
      message: 'etcdserver: mvcc: required revision is a future revision',
    });
    expect(etcdErrors.requestTooLarge).toEqual({
      code: GrpcCode.INVALID_ARGUMENT,
      message: 'etcdserver: request is too large',
    });
    expect(etcdErrors.emptyKey.message).toBe('etcdserver: key is not provided');
    expect(etcdErrors.tooManyOps.message).toBe('etcdserver: too many operations in txn request');
    expect(etcdErrors.duplicateKey.message).toBe('etcdserver: duplicate key given in txn request');
    expect(etcdErrors.leaderChanged).toEqual({
      code: GrpcCode.UNAVAILABLE,
      message: 'etcdserver: leader changed',
    });
    expect(etcdErrors.noLeader).toEqual({ code: GrpcCode.UNAVAILABLE, message: 'etcdserver: no leader' });
    expect(etcdErrors.notLeader).toEqual({
      code: GrpcCode.FAILED_PRECONDITION,
      message: 'etcdserver: not leader',
    });
    expect(etcdErrors.timeout).toEqual({
      code: GrpcCode.UNAVAILABLE,
      message: 'etcdserver: request timed out',
    });
    expect(etcdErrors.leaseExists).toEqual({
      code: GrpcCode.FAILED_PRECONDITION,
      message: 'etcdserver: lease already exists',
    });
    expect(etcdErrors.memberExists.message).toBe('etcdserver: member ID already exist');
    expect(etcdErrors.peerUrlExists.message).toBe('etcdserver: Peer URLs already exists');
    expect(etcdErrors.memberNotFound).toEqual({
      code: GrpcCode.NOT_FOUND,
      message: 'etcdserver: member not found',
    });
  });

  test('etcdErrors messages are unique and all carry the etcdserver prefix', () => {
    const messages = Object.values(etcdErrors).map((entry) => entry.message);
    expect(new Set(messages).size).toBe(messages.length);
    for (const message of messages) expect(message.startsWith('etcdserver: ')).toBe(true);
  });
});

describe('EtcdError', () => {
  test('EtcdError.of() carries the catalogue entry and is() recognises it', () => {
    const error = EtcdError.of('compacted');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(GrpcCode.OUT_OF_RANGE);
    expect(error.message).toBe(etcdErrors.compacted.message);
    expect(error.is('compacted')).toBe(true);
    expect(error.is('futureRevision')).toBe(false);
  });

  test('etcdErrorFromMessage() finds every catalogue entry by its text and nothing else', () => {
    for (const [name, entry] of Object.entries(etcdErrors)) {
      expect(etcdErrorFromMessage(entry.message)?.kind).toBe(name);
    }
    expect(etcdErrorFromMessage('etcdserver: something else')).toBeUndefined();
  });

  test('EtcdError.invalidRequest() and unimplemented() are INVALID_ARGUMENT and UNIMPLEMENTED', () => {
    expect(EtcdError.invalidRequest('x.y must be bytes')).toMatchObject({
      code: GrpcCode.INVALID_ARGUMENT,
      kind: 'invalidRequest',
      message: 'etcd-ts: invalid request: x.y must be bytes',
    });
    expect(EtcdError.unimplemented('Downgrade')).toMatchObject({ code: GrpcCode.UNIMPLEMENTED });
  });
});
