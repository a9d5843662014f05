// Txn compares, as etcd evaluates them: every key in the compare's range must satisfy it;
// an absent key compares as a zero KeyValue (version, revisions and lease 0), except that a
// VALUE compare on an absent key always fails (no value is not the empty value).

import type { Compare, KeyValue } from '../api/types.js';
import { compareBytes } from '../mvcc/key-range.js';
import type { RangeReader } from './range.js';

const zeroKeyValue: KeyValue = {
  key: new Uint8Array(0),
  createRevision: 0,
  modRevision: 0,
  version: 0,
  value: new Uint8Array(0),
  lease: 0,
};

export function compareHolds(read: RangeReader, compare: Compare): boolean {
  const { kvs } = read(compare.key, compare.rangeEnd, {});
  if (kvs.length === 0) return compare.target === 'VALUE' ? false : compareKeyValue(zeroKeyValue, compare);
  return kvs.every((kv) => compareKeyValue(kv, compare));
}

function compareKeyValue(kv: KeyValue, compare: Compare): boolean {
  const order = orderOf(kv, compare);
  switch (compare.result) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER':
      return order > 0;
    case 'LESS':
      return order < 0;
  }
}

function orderOf(kv: KeyValue, compare: Compare): number {
  switch (compare.target) {
    case 'VALUE':
      return compareBytes(kv.value, compare.value);
    case 'VERSION':
      return Math.sign(kv.version - compare.version);
    case 'CREATE':
      return Math.sign(kv.createRevision - compare.createRevision);
    case 'MOD':
      return Math.sign(kv.modRevision - compare.modRevision);
    case 'LEASE':
      return Math.sign(kv.lease - compare.lease);
  }
}
