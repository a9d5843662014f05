// Round-trip property of the Raft request codec, and its refusal of malformed bytes.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Compare, RequestOp, TxnRequest } from '../api/types.js';
import { CodecError } from '../codec/index.js';
import type { ApplyRequest } from './apply-request.js';
import { decodeRaftRequest, encodeRaftRequest } from './request-codec.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);
const key = fc.uint8Array({ minLength: 1, maxLength: 6 });
const int = fc.integer({ min: 0, max: 2 ** 40 });

const range = fc.record(
  {
    key,
    rangeEnd: key,
    limit: int,
    revision: int,
    sortOrder: fc.constantFrom('NONE' as const, 'ASCEND' as const, 'DESCEND' as const),
    sortTarget: fc.constantFrom(
      'KEY' as const,
      'VERSION' as const,
      'CREATE' as const,
      'MOD' as const,
      'VALUE' as const,
    ),
    serializable: fc.boolean(),
    keysOnly: fc.boolean(),
    countOnly: fc.boolean(),
    minModRevision: int,
    maxModRevision: int,
    minCreateRevision: int,
    maxCreateRevision: int,
  },
  { requiredKeys: ['key'] },
);
const put = fc.record(
  {
    key,
    value: fc.uint8Array({ maxLength: 8 }),
    lease: int,
    prevKv: fc.boolean(),
    ignoreValue: fc.boolean(),
    ignoreLease: fc.boolean(),
  },
  { requiredKeys: ['key', 'value'] },
);
const deleteRange = fc.record({ key, rangeEnd: key, prevKv: fc.boolean() }, { requiredKeys: ['key'] });
const compare: fc.Arbitrary<Compare> = fc
  .tuple(
    key,
    fc.constantFrom('EQUAL' as const, 'GREATER' as const, 'LESS' as const, 'NOT_EQUAL' as const),
    int,
    fc.option(key, { nil: undefined }),
  )
  .chain(([compareKey, result, number, rangeEnd]) => {
    const base = rangeEnd === undefined ? { key: compareKey, result } : { key: compareKey, result, rangeEnd };
    return fc.constantFrom<Compare>(
      { ...base, target: 'VERSION', version: number },
      { ...base, target: 'CREATE', createRevision: number },
      { ...base, target: 'MOD', modRevision: number },
      { ...base, target: 'VALUE', value: new Uint8Array([number % 256]) },
      { ...base, target: 'LEASE', lease: number },
    );
  });
const { txn } = fc.letrec<{ txn: TxnRequest; op: RequestOp }>((tie) => ({
  txn: fc.record({
    compare: fc.array(compare, { maxLength: 3 }),
    success: fc.array(tie('op'), { maxLength: 3 }),
    failure: fc.array(tie('op'), { maxLength: 2 }),
  }),
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('range' as const), request: range }),
    fc.record({ type: fc.constant('put' as const), request: put }),
    fc.record({ type: fc.constant('deleteRange' as const), request: deleteRange }),
    fc.record({ type: fc.constant('txn' as const), request: tie('txn') }),
  ),
}));
const request: fc.Arbitrary<ApplyRequest> = fc.oneof(
  fc.record({ type: fc.constant('range' as const), request: range }),
  fc.record({ type: fc.constant('put' as const), request: put }),
  fc.record({ type: fc.constant('deleteRange' as const), request: deleteRange }),
  fc.record({ type: fc.constant('txn' as const), request: txn }),
  fc.record({
    type: fc.constant('compaction' as const),
    request: fc.record({ revision: int, physical: fc.boolean() }),
  }),
  fc.record({ type: fc.constant('leaseGrant' as const), request: fc.record({ ttlSeconds: int, id: int }) }),
  fc.record({ type: fc.constant('leaseRevoke' as const), request: fc.record({ id: int }) }),
);

describe('request codec', () => {
  test.prop([int, request], { seed, numRuns })(
    'decodeRaftRequest(encodeRaftRequest()) keeps every field',
    (id, body) => {
      const bytes = encodeRaftRequest({ id, request: body });
      const decoded = decodeRaftRequest(bytes);
      expect(decoded.id).toBe(id);
      expect(decoded.request.type).toBe(body.type);
      expect(encodeRaftRequest(decoded)).toEqual(bytes);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 64 })], { seed, numRuns: numRuns * 5 })(
    'decodeRaftRequest() of random bytes returns a request or throws CodecError, nothing else',
    (bytes) => {
      try {
        const decoded = decodeRaftRequest(bytes);
        expect(typeof decoded.request.type).toBe('string');
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    },
  );

  test('decodeRaftRequest() gives back the fields of a txn with a nested txn', () => {
    const original: ApplyRequest = {
      type: 'txn',
      request: {
        compare: [{ key: new Uint8Array([1]), result: 'GREATER', target: 'MOD', modRevision: 0 }],
        success: [
          {
            type: 'txn',
            request: {
              compare: [],
              success: [],
              failure: [
                { type: 'put', request: { key: new Uint8Array([2]), value: new Uint8Array([3]), lease: 9 } },
              ],
            },
          },
        ],
        failure: [],
      },
    };
    expect(decodeRaftRequest(encodeRaftRequest({ id: 5, request: original }))).toEqual({
      id: 5,
      request: original,
    });
  });

  test('decodeRaftRequest() rejects empty, truncated and doubled requests', () => {
    expect(() => decodeRaftRequest(new Uint8Array([]))).toThrow(CodecError);
    expect(() => decodeRaftRequest(new Uint8Array([0x22, 0x09, 0x0a]))).toThrow(CodecError);
    const one = encodeRaftRequest({ id: 1, request: { type: 'leaseRevoke', request: { id: 2 } } });
    expect(() => decodeRaftRequest(new Uint8Array([...one, ...one.slice(2)]))).toThrow(
      'more than one request',
    );
  });
});
