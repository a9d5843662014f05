// etcd's API-layer checks on domain requests: empty keys, ignore_value/ignore_lease
// misuse, the txn operation budget (nested txns included) and duplicate writes in a
// branch, the latter also as a property against a direct model of etcd's rule.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { EtcdError, type EtcdErrorName } from './errors.js';
import { checkPutRequest, checkRangeRequest, checkTxnRequest } from './request-validation.js';
import type { RequestOp, TxnRequest } from './types.js';

const runs = Number(process.env.API_PROPERTY_RUNS ?? 200);
const bytes = (text: string) => Buffer.from(text);
const put = (key: string): RequestOp => ({ type: 'put', request: { key: bytes(key), value: bytes('v') } });
const del = (key: string, rangeEnd?: string): RequestOp => ({
  type: 'deleteRange',
  request: { key: bytes(key), ...(rangeEnd === undefined ? {} : { rangeEnd: bytes(rangeEnd) }) },
});
const txn = (request: Partial<TxnRequest>): TxnRequest => ({
  compare: [],
  success: [],
  failure: [],
  ...request,
});

function errorName(check: () => void): EtcdErrorName | 'ok' {
  try {
    check();
    return 'ok';
  } catch (error) {
    if (error instanceof EtcdError && error.kind !== 'invalidRequest' && error.kind !== 'unimplemented') {
      return error.kind;
    }
    throw error;
  }
}

describe('request checks', () => {
  test('checkRangeRequest() and checkPutRequest() reject what etcd rejects', () => {
    expect(errorName(() => checkRangeRequest({ key: new Uint8Array(0) }))).toBe('emptyKey');
    expect(errorName(() => checkPutRequest({ key: bytes('k'), value: bytes('v'), ignoreValue: true }))).toBe(
      'valueProvided',
    );
    expect(
      errorName(() => checkPutRequest({ key: bytes('k'), value: bytes(''), lease: 5, ignoreLease: true })),
    ).toBe('leaseProvided');
    expect(errorName(() => checkPutRequest({ key: bytes('k'), value: bytes(''), ignoreValue: true }))).toBe(
      'ok',
    );
  });

  test('checkTxnRequest() allows 128 operations per list and counts nested txns against the budget', () => {
    const ops = (count: number, prefix = 'k') =>
      Array.from({ length: count }, (_, index) => put(`${prefix}${index}`));
    expect(errorName(() => checkTxnRequest(txn({ success: ops(128), failure: ops(128) })))).toBe('ok');
    expect(errorName(() => checkTxnRequest(txn({ failure: ops(129) })))).toBe('tooManyOps');
    const nested: RequestOp = { type: 'txn', request: txn({ success: ops(100, 'nested') }) };
    expect(errorName(() => checkTxnRequest(txn({ success: [nested, ...ops(27)] })))).toBe('ok');
    expect(errorName(() => checkTxnRequest(txn({ success: [nested, ...ops(30)] })))).toBe('tooManyOps');
    expect(errorName(() => checkTxnRequest(txn({ success: [put('')] })))).toBe('emptyKey');
  });

  test('checkTxnRequest() finds duplicate writes in a branch, across delete ranges and nested txns', () => {
    const branch = (...success: RequestOp[]) => errorName(() => checkTxnRequest(txn({ success })));
    expect(branch(put('a'), put('a'))).toBe('duplicateKey');
    expect(branch(del('a', 'c'), put('b'))).toBe('duplicateKey');
    expect(branch(del('a', '\u0000'), put('zz'))).toBe('duplicateKey');
    expect(branch(del('a', 'c'), del('b', 'd'))).toBe('ok');
    expect(branch(put('a'), put('b'), del('c'))).toBe('ok');
    expect(branch(put('a'), { type: 'txn', request: txn({ failure: [put('a')] }) })).toBe('duplicateKey');
    expect(branch({ type: 'txn', request: txn({ success: [put('a')], failure: [put('a')] }) })).toBe('ok');
    // Success and failure never both run, so the same key in each is fine.
    expect(errorName(() => checkTxnRequest(txn({ success: [put('a')], failure: [put('a')] })))).toBe('ok');
  });

  const key = fc.constantFrom('a', 'b', 'c', 'd');
  const flatOp = fc.oneof(
    key.map(put),
    key.map((start) => del(start)),
    fc.tuple(key, key).map(([start, end]) => del(start, end)),
  );

  test.prop([fc.array(flatOp, { maxLength: 8 })], { seed: 6061, numRuns: runs })(
    'checkTxnRequest() flags a flat branch exactly when a key is put twice or put inside a deleted range',
    (ops) => {
      const puts = ops.filter((op) => op.type === 'put').map((op) => Buffer.from(op.request.key).toString());
      const deletes = ops.flatMap((op) => (op.type === 'deleteRange' ? [op.request] : []));
      const inDelete = (candidate: string) =>
        deletes.some((request) => {
          const start = Buffer.from(request.key).toString();
          const end =
            request.rangeEnd === undefined ? `${start}\u0000` : Buffer.from(request.rangeEnd).toString();
          return candidate >= start && candidate < end;
        });
      const duplicate = new Set(puts).size !== puts.length || puts.some(inDelete);
      expect(errorName(() => checkTxnRequest(txn({ success: ops })))).toBe(duplicate ? 'duplicateKey' : 'ok');
    },
  );
});
