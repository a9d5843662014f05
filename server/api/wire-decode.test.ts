// Wire -> domain decoding as proto-loader hands objects over: int64 strings narrowed to
// numbers with the 2^53 bound, enum names and numbers, compare operands from
// target_union (zero when absent), oneof requests, and nesting bounds.

import { describe, expect, test } from 'vitest';
import { EtcdError } from './errors.js';
import { decodeRangeRequest, decodeTxnRequest, decodeWatchRequest, txnNestingMax } from './wire-decode.js';

const bytes = (text: string) => Buffer.from(text);

function invalid(decode: () => unknown): string {
  try {
    decode();
  } catch (error) {
    if (error instanceof EtcdError && error.kind === 'invalidRequest') return error.message;
    throw error;
  }
  throw new Error('expected an invalid request');
}

describe('wire decoding', () => {
  test('decodeRangeRequest() narrows int64 strings and maps enums and empty range_end', () => {
    const request = decodeRangeRequest({
      key: bytes('a'),
      range_end: Buffer.alloc(0),
      limit: '10',
      revision: '9007199254740991',
      sort_order: 'DESCEND',
      sort_target: 2,
    });
    expect(request).toMatchObject({
      limit: 10,
      revision: 2 ** 53 - 1,
      sortOrder: 'DESCEND',
      sortTarget: 'CREATE',
    });
    expect(request.rangeEnd).toBeUndefined();
  });

  test('decodeRangeRequest() rejects int64 beyond 2^53, unknown enum numbers and wrong types, naming the field', () => {
    expect(invalid(() => decodeRangeRequest({ key: bytes('a'), revision: '9007199254740992' }))).toContain(
      'RangeRequest.revision',
    );
    expect(invalid(() => decodeRangeRequest({ key: bytes('a'), sort_order: 7 }))).toContain(
      'RangeRequest.sort_order',
    );
    expect(invalid(() => decodeRangeRequest({ key: 'not bytes' }))).toContain('RangeRequest.key');
  });

  test('decodeTxnRequest() reads the compare operand for its target, zero when target_union names another', () => {
    const request = decodeTxnRequest({
      compare: [
        { key: bytes('a'), target: 'MOD', result: 'LESS', target_union: 'mod_revision', mod_revision: '12' },
        { key: bytes('b'), target: 'VALUE', result: 'EQUAL', target_union: 'version', version: '3' },
      ],
      success: [{ request_put: { key: bytes('a'), value: bytes('v') }, request: 'request_put' }],
      failure: [{ request_txn: { success: [{ request_range: { key: bytes('a') } }] } }],
    });
    expect(request.compare[0]).toMatchObject({ target: 'MOD', result: 'LESS', modRevision: 12 });
    expect(request.compare[1]).toMatchObject({ target: 'VALUE', value: new Uint8Array(0) });
    expect(request.success[0]?.type).toBe('put');
    const nested = request.failure[0];
    expect(nested?.type === 'txn' && nested.request.success[0]?.type).toBe('range');
    expect(invalid(() => decodeTxnRequest({ success: [{}] }))).toContain('RequestOp has no request');
  });

  test('decodeTxnRequest() refuses txns nested deeper than txnNestingMax', () => {
    let txn: Record<string, unknown> = {};
    for (let depth = 0; depth <= txnNestingMax + 1; depth++) txn = { success: [{ request_txn: txn }] };
    expect(invalid(() => decodeTxnRequest(txn))).toContain('nests txns deeper');
  });

  test('decodeWatchRequest() decodes create, cancel and progress requests', () => {
    expect(
      decodeWatchRequest({
        create_request: {
          key: bytes('k'),
          start_revision: '5',
          filters: ['NODELETE', 0],
          watch_id: '3',
          prev_kv: true,
        },
      }),
    ).toMatchObject({
      type: 'create',
      request: { startRevision: 5, filters: ['NODELETE', 'NOPUT'], watchId: 3, prevKv: true },
    });
    expect(decodeWatchRequest({ cancel_request: { watch_id: '9' } })).toEqual({ type: 'cancel', watchId: 9 });
    expect(decodeWatchRequest({ progress_request: {} })).toEqual({ type: 'progress' });
  });
});
