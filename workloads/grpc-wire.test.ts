// Checks that the gRPC client's wire conversion keeps 63-bit lease ids exact: encoded
// through the same proto-loader serializers the client's channel uses, decoded back.

import type { MethodDefinition } from '@grpc/proto-loader';
import { describe, expect, test } from 'vitest';
import { loadEtcdProtos } from '../server/api/proto-files.js';
import { decodeLeaseId, decodeRange, encodePut, encodeTxn, type Wire } from './grpc-wire.js';

/** Above 2^53: a number would round it to ...776000. */
const bigLeaseId = '9223372036854775807';

function method(service: string, name: string): MethodDefinition<Wire, Wire> {
  const definition = loadEtcdProtos()[service] as Record<string, MethodDefinition<Wire, Wire>> | undefined;
  const found = definition?.[name];
  if (found === undefined) throw new Error(`${service}.${name} is missing from the protos`);
  return found;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('grpc-wire lease ids', () => {
  test('encodePut() carries a lease id above 2^53 exactly onto the wire', () => {
    const put = method('etcdserverpb.KV', 'Put');
    const wire = put.requestSerialize(encodePut({ key: bytes('k'), value: bytes('v'), lease: bigLeaseId }));
    expect(put.requestDeserialize(wire).lease).toBe(bigLeaseId);
  });

  test('encodeTxn() carries a LEASE compare and a put lease above 2^53 exactly', () => {
    const txn = method('etcdserverpb.KV', 'Txn');
    const encoded = encodeTxn({
      compare: [{ key: bytes('k'), target: 'LEASE', lease: bigLeaseId, result: 'EQUAL' }],
      success: [{ type: 'put', request: { key: bytes('k'), value: bytes('v'), lease: bigLeaseId } }],
      failure: [],
    });
    const decoded = txn.requestDeserialize(txn.requestSerialize(encoded));
    const compare = (decoded.compare as Wire[])[0];
    const success = (decoded.success as Wire[])[0]?.request_put as Wire | undefined;
    expect(compare?.lease).toBe(bigLeaseId);
    expect(success?.lease).toBe(bigLeaseId);
  });

  test('decodeRange() reads a key-value lease above 2^53 as its exact digits', () => {
    const range = method('etcdserverpb.KV', 'Range');
    const response = range.responseDeserialize(
      range.responseSerialize({
        header: { revision: '7' },
        kvs: [{ key: bytes('k'), value: bytes('v'), lease: bigLeaseId, mod_revision: '7' }],
        count: '1',
      }),
    );
    const decoded = decodeRange(response);
    expect(decoded.kvs[0]?.lease).toBe(bigLeaseId);
    expect(decoded.kvs[0]?.modRevision).toBe(7);
  });

  test('decodeLeaseId() reads an absent lease as "0"', () => {
    expect(decodeLeaseId(undefined)).toBe('0');
    expect(decodeLeaseId('12')).toBe('12');
  });
});
