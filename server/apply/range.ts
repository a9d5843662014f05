// A RangeRequest against a read view, with etcd's API-layer post-processing: when sorting
// or revision filters are asked for, every key is fetched, filtered, sorted and then cut
// to the limit; otherwise the store applies the limit (plus one, to know about `more`).
// `count` is always the number of keys in the range, before filters and limit, as etcd.

import type { KeyValue, RangeRequest } from '../api/types.js';
import { compareBytes } from '../mvcc/key-range.js';
import type { RangeOptions, RangeResult } from '../mvcc/kv-store.js';

/** Something that reads a key range: the store, or a write txn seeing its own writes. */
export type RangeReader = (
  key: Uint8Array,
  rangeEnd: Uint8Array | undefined,
  options: RangeOptions,
) => RangeResult;

export interface RangeOutcome {
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export function executeRange(read: RangeReader, request: RangeRequest): RangeOutcome {
  const limit = request.limit ?? 0;
  const sortOrder = request.sortOrder ?? 'NONE';
  const sortTarget = request.sortTarget ?? 'KEY';
  const filtered =
    (request.minModRevision ?? 0) !== 0 ||
    (request.maxModRevision ?? 0) !== 0 ||
    (request.minCreateRevision ?? 0) !== 0 ||
    (request.maxCreateRevision ?? 0) !== 0;
  const fetchAll = sortOrder !== 'NONE' || filtered;
  const result = read(request.key, request.rangeEnd, {
    limit: fetchAll || limit <= 0 ? 0 : limit + 1,
    revision: request.revision ?? 0,
    countOnly: request.countOnly ?? false,
  });
  let kvs = result.kvs.filter((kv) => passesFilters(kv, request));
  // The store returns key order; any other target is sorted ascending unless told otherwise.
  const order = sortTarget !== 'KEY' && sortOrder === 'NONE' ? 'ASCEND' : sortOrder;
  if (order !== 'NONE') {
    const sign = order === 'DESCEND' ? -1 : 1;
    kvs = kvs
      .map((kv, position) => ({ kv, position }))
      .sort(
        (left, right) =>
          sign * compareByTarget(left.kv, right.kv, sortTarget) || left.position - right.position,
      )
      .map(({ kv }) => kv);
  }
  let more = false;
  if (limit > 0 && kvs.length > limit) {
    kvs = kvs.slice(0, limit);
    more = true;
  }
  if (request.keysOnly) kvs = kvs.map((kv) => ({ ...kv, value: new Uint8Array(0) }));
  return { kvs, more, count: result.count };
}

function passesFilters(kv: KeyValue, request: RangeRequest): boolean {
  const minMod = request.minModRevision ?? 0;
  const maxMod = request.maxModRevision ?? 0;
  const minCreate = request.minCreateRevision ?? 0;
  const maxCreate = request.maxCreateRevision ?? 0;
  if (minMod !== 0 && kv.modRevision < minMod) return false;
  if (maxMod !== 0 && kv.modRevision > maxMod) return false;
  if (minCreate !== 0 && kv.createRevision < minCreate) return false;
  if (maxCreate !== 0 && kv.createRevision > maxCreate) return false;
  return true;
}

function compareByTarget(
  left: KeyValue,
  right: KeyValue,
  target: NonNullable<RangeRequest['sortTarget']>,
): number {
  switch (target) {
    case 'KEY':
      return compareBytes(left.key, right.key);
    case 'VERSION':
      return left.version - right.version;
    case 'CREATE':
      return left.createRevision - right.createRevision;
    case 'MOD':
      return left.modRevision - right.modRevision;
    case 'VALUE':
      return compareBytes(left.value, right.value);
  }
}
