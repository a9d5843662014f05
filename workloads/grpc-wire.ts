// Domain <-> wire conversion for the gRPC workload client: requests from the types of
// server/api/types.ts to the plain objects @grpc/proto-loader serializes (etcd's field
// names), responses back. Decoded int64 fields arrive as decimal strings (the loader
// options in proto-files.ts). Lease ids stay strings (`LeaseId`): real etcd picks 63-bit
// ids, and protobufjs encodes a decimal string into an int64 exactly (through `long`).
// Everything else becomes a number: revisions, versions and counts stay far below 2^53.
// Member and cluster ids in headers are 64-bit too and lose their low bits as numbers;
// they are only compared with one another (both sides decoded the same way), never sent.

import type {
  DeleteRangeRequest,
  KeyValue as DomainKeyValue,
  Event,
  RangeRequest,
  ResponseHeader,
  StatusResponse,
  WatchRequest,
  WatchResponse,
} from '../server/api/types.js';
import {
  type Compare,
  type DeleteRangeResponse,
  type KeyValue,
  type LeaseId,
  noLease,
  type PutRequest,
  type PutResponse,
  type RangeResponse,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResponse,
} from './client.js';

export type Wire = Record<string, unknown>;

const integer = (value: unknown): number => (value === undefined || value === null ? 0 : Number(value));
/** An int64 lease id as its digits, without passing through a number. */
const leaseId = (value: unknown): LeaseId => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return noLease;
};
const byteArray = (value: unknown): Uint8Array =>
  value instanceof Uint8Array ? new Uint8Array(value) : new Uint8Array();
const list = (value: unknown): Wire[] => (Array.isArray(value) ? (value as Wire[]) : []);
const object = (value: unknown): Wire => (value !== null && typeof value === 'object' ? (value as Wire) : {});

// Requests.

/**
 * etcd reads a range_end that is present but empty as "every key from `key` on" (its
 * decoder keeps an empty, non-nil slice), not as "just `key`": send the field only when
 * the caller gave a range end.
 */
function rangeEndField(rangeEnd: Uint8Array | undefined): { range_end?: Uint8Array } {
  return rangeEnd !== undefined && rangeEnd.length > 0 ? { range_end: rangeEnd } : {};
}

export function encodeRange(request: RangeRequest): Wire {
  return {
    key: request.key,
    ...rangeEndField(request.rangeEnd),
    limit: request.limit ?? 0,
    revision: request.revision ?? 0,
    sort_order: request.sortOrder ?? 'NONE',
    sort_target: request.sortTarget ?? 'KEY',
    serializable: request.serializable ?? false,
    keys_only: request.keysOnly ?? false,
    count_only: request.countOnly ?? false,
    min_mod_revision: request.minModRevision ?? 0,
    max_mod_revision: request.maxModRevision ?? 0,
    min_create_revision: request.minCreateRevision ?? 0,
    max_create_revision: request.maxCreateRevision ?? 0,
  };
}

export function encodePut(request: PutRequest): Wire {
  return {
    key: request.key,
    value: request.value,
    lease: request.lease ?? noLease,
    prev_kv: request.prevKv ?? false,
    ignore_value: request.ignoreValue ?? false,
    ignore_lease: request.ignoreLease ?? false,
  };
}

export function encodeDeleteRange(request: DeleteRangeRequest): Wire {
  return {
    key: request.key,
    ...rangeEndField(request.rangeEnd),
    prev_kv: request.prevKv ?? false,
  };
}

function encodeCompare(compare: Compare): Wire {
  const base = {
    result: compare.result,
    target: compare.target,
    key: compare.key,
    ...rangeEndField(compare.rangeEnd),
  };
  switch (compare.target) {
    case 'VERSION':
      return { ...base, version: compare.version };
    case 'CREATE':
      return { ...base, create_revision: compare.createRevision };
    case 'MOD':
      return { ...base, mod_revision: compare.modRevision };
    case 'VALUE':
      return { ...base, value: compare.value };
    case 'LEASE':
      return { ...base, lease: compare.lease };
  }
}

function encodeRequestOp(op: RequestOp): Wire {
  switch (op.type) {
    case 'range':
      return { request_range: encodeRange(op.request) };
    case 'put':
      return { request_put: encodePut(op.request) };
    case 'deleteRange':
      return { request_delete_range: encodeDeleteRange(op.request) };
    case 'txn':
      return { request_txn: encodeTxn(op.request) };
  }
}

export function encodeTxn(request: TxnRequest): Wire {
  return {
    compare: request.compare.map(encodeCompare),
    success: request.success.map(encodeRequestOp),
    failure: request.failure.map(encodeRequestOp),
  };
}

export function encodeWatchRequest(request: WatchRequest): Wire {
  if (request.type === 'cancel') return { cancel_request: { watch_id: request.watchId } };
  if (request.type === 'progress') return { progress_request: {} };
  const create = request.request;
  return {
    create_request: {
      key: create.key,
      ...rangeEndField(create.rangeEnd),
      start_revision: create.startRevision ?? 0,
      progress_notify: create.progressNotify ?? false,
      filters: create.filters ?? [],
      prev_kv: create.prevKv ?? false,
      watch_id: create.watchId ?? 0,
      fragment: create.fragment ?? false,
    },
  };
}

// Responses.

export function decodeHeader(value: unknown): ResponseHeader {
  const wire = object(value);
  return {
    clusterId: integer(wire.cluster_id),
    memberId: integer(wire.member_id),
    revision: integer(wire.revision),
    raftTerm: integer(wire.raft_term),
  };
}

function decodeKeyValue(value: unknown): KeyValue {
  const wire = object(value);
  return {
    key: byteArray(wire.key),
    createRevision: integer(wire.create_revision),
    modRevision: integer(wire.mod_revision),
    version: integer(wire.version),
    value: byteArray(wire.value),
    lease: leaseId(wire.lease),
  };
}

/** A watched key-value in the domain shape watch handlers take (no workload reads its lease). */
function decodeWatchedKeyValue(value: unknown): DomainKeyValue {
  const decoded = decodeKeyValue(value);
  return { ...decoded, lease: Number(decoded.lease) };
}

export function decodeRange(wire: Wire): RangeResponse {
  return {
    header: decodeHeader(wire.header),
    kvs: list(wire.kvs).map(decodeKeyValue),
    more: wire.more === true,
    count: integer(wire.count),
  };
}

export function decodePut(wire: Wire): PutResponse {
  const header = decodeHeader(wire.header);
  return wire.prev_kv ? { header, prevKv: decodeKeyValue(wire.prev_kv) } : { header };
}

export function decodeDeleteRange(wire: Wire): DeleteRangeResponse {
  return {
    header: decodeHeader(wire.header),
    deleted: integer(wire.deleted),
    prevKvs: list(wire.prev_kvs).map(decodeKeyValue),
  };
}

function decodeResponseOp(wire: Wire): ResponseOp {
  if (wire.response_range) return { type: 'range', response: decodeRange(object(wire.response_range)) };
  if (wire.response_put) return { type: 'put', response: decodePut(object(wire.response_put)) };
  if (wire.response_delete_range) {
    return { type: 'deleteRange', response: decodeDeleteRange(object(wire.response_delete_range)) };
  }
  return { type: 'txn', response: decodeTxn(object(wire.response_txn)) };
}

export function decodeTxn(wire: Wire): TxnResponse {
  return {
    header: decodeHeader(wire.header),
    succeeded: wire.succeeded === true,
    responses: list(wire.responses).map(decodeResponseOp),
  };
}

function decodeEvent(wire: Wire): Event {
  const type = wire.type === 'DELETE' ? 'DELETE' : 'PUT';
  const kv = decodeWatchedKeyValue(wire.kv);
  return wire.prev_kv ? { type, kv, prevKv: decodeWatchedKeyValue(wire.prev_kv) } : { type, kv };
}

export function decodeWatchResponse(wire: Wire): WatchResponse {
  return {
    header: decodeHeader(wire.header),
    watchId: integer(wire.watch_id),
    created: wire.created === true,
    canceled: wire.canceled === true,
    compactRevision: integer(wire.compact_revision),
    cancelReason: typeof wire.cancel_reason === 'string' ? wire.cancel_reason : '',
    fragment: wire.fragment === true,
    events: list(wire.events).map(decodeEvent),
  };
}

export function decodeStatus(wire: Wire): StatusResponse {
  return {
    header: decodeHeader(wire.header),
    version: typeof wire.version === 'string' ? wire.version : '',
    dbSizeBytes: integer(wire.dbSize),
    leader: integer(wire.leader),
    raftIndex: integer(wire.raftIndex),
    raftTerm: integer(wire.raftTerm),
    raftAppliedIndex: integer(wire.raftAppliedIndex),
    errors: Array.isArray(wire.errors) ? (wire.errors as string[]) : [],
    dbSizeInUseBytes: integer(wire.dbSizeInUse),
    isLearner: wire.isLearner === true,
  };
}

export { byteArray as decodeBytes, integer as decodeInteger, leaseId as decodeLeaseId };
