// Wire -> domain: turns the objects proto-loader decodes into the request types of
// types.ts. Shape and range problems (wrong types, unknown enum values, int64 beyond
// 2^53) are rejected here; etcd's own request rules live in request-validation.ts.

import {
  alarmActions,
  alarmTypes,
  compareResults,
  compareTargets,
  sortOrders,
  sortTargets,
  watchFilters,
} from '../codec/etcd-enums.js';
import { EtcdError } from './errors.js';
import type {
  AlarmRequest,
  Compare,
  CompareOperand,
  DeleteRangeRequest,
  LockRequest,
  MemberAddRequest,
  MemberUpdateRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  TxnRequest,
  WatchCreateRequest,
  WatchRequest,
} from './types.js';
import {
  optionalBytes,
  readBool,
  readBytes,
  readEnum,
  readInteger,
  readList,
  readObject,
  readStringList,
  type WireObject,
} from './wire-fields.js';

/** How deep txns may nest inside txns; deeper is refused before any recursion happens. */
export const txnNestingMax = 16;

export function decodeRangeRequest(wire: WireObject, path = 'RangeRequest'): RangeRequest {
  return {
    key: readBytes(wire, 'key', path),
    rangeEnd: optionalBytes(readBytes(wire, 'range_end', path)),
    limit: readInteger(wire, 'limit', path),
    revision: readInteger(wire, 'revision', path),
    sortOrder: readEnum(wire, 'sort_order', sortOrders, path),
    sortTarget: readEnum(wire, 'sort_target', sortTargets, path),
    serializable: readBool(wire, 'serializable', path),
    keysOnly: readBool(wire, 'keys_only', path),
    countOnly: readBool(wire, 'count_only', path),
    minModRevision: readInteger(wire, 'min_mod_revision', path),
    maxModRevision: readInteger(wire, 'max_mod_revision', path),
    minCreateRevision: readInteger(wire, 'min_create_revision', path),
    maxCreateRevision: readInteger(wire, 'max_create_revision', path),
  };
}

export function decodePutRequest(wire: WireObject, path = 'PutRequest'): PutRequest {
  return {
    key: readBytes(wire, 'key', path),
    value: readBytes(wire, 'value', path),
    lease: readInteger(wire, 'lease', path),
    prevKv: readBool(wire, 'prev_kv', path),
    ignoreValue: readBool(wire, 'ignore_value', path),
    ignoreLease: readBool(wire, 'ignore_lease', path),
  };
}

export function decodeDeleteRangeRequest(wire: WireObject, path = 'DeleteRangeRequest'): DeleteRangeRequest {
  return {
    key: readBytes(wire, 'key', path),
    rangeEnd: optionalBytes(readBytes(wire, 'range_end', path)),
    prevKv: readBool(wire, 'prev_kv', path),
  };
}

export function decodeTxnRequest(wire: WireObject, path = 'TxnRequest', depth = 0): TxnRequest {
  if (depth > txnNestingMax)
    throw EtcdError.invalidRequest(`${path} nests txns deeper than ${txnNestingMax}`);
  const ops = (field: string): RequestOp[] =>
    readList(wire, field, path).map((op, index) =>
      decodeRequestOp(readObject(op, `${path}.${field}[${index}]`), depth),
    );
  return {
    compare: readList(wire, 'compare', path).map((compare, index) =>
      decodeCompare(readObject(compare, `${path}.compare[${index}]`), `${path}.compare[${index}]`),
    ),
    success: ops('success'),
    failure: ops('failure'),
  };
}

function decodeRequestOp(wire: WireObject, depth: number): RequestOp {
  const path = 'RequestOp';
  if (wire.request_range)
    return { type: 'range', request: decodeRangeRequest(readObject(wire.request_range, path)) };
  if (wire.request_put) return { type: 'put', request: decodePutRequest(readObject(wire.request_put, path)) };
  if (wire.request_delete_range) {
    return {
      type: 'deleteRange',
      request: decodeDeleteRangeRequest(readObject(wire.request_delete_range, path)),
    };
  }
  if (wire.request_txn) {
    return {
      type: 'txn',
      request: decodeTxnRequest(readObject(wire.request_txn, path), 'TxnRequest', depth + 1),
    };
  }
  throw EtcdError.invalidRequest('RequestOp has no request set');
}

/**
 * The operand is the target_union member that belongs to `target`; when the client set
 * none (or another one) the operand is that member's zero value, which is what etcd
 * compares against in that case.
 */
function decodeCompare(wire: WireObject, path: string): Compare {
  const target = readEnum(wire, 'target', compareTargets, path);
  const base = {
    result: readEnum(wire, 'result', compareResults, path),
    key: readBytes(wire, 'key', path),
    rangeEnd: optionalBytes(readBytes(wire, 'range_end', path)),
  };
  const set = wire.target_union;
  const member = (field: string): WireObject => (set === field ? wire : {});
  let operand: CompareOperand;
  switch (target) {
    case 'VERSION':
      operand = { target, version: readInteger(member('version'), 'version', path) };
      break;
    case 'CREATE':
      operand = { target, createRevision: readInteger(member('create_revision'), 'create_revision', path) };
      break;
    case 'MOD':
      operand = { target, modRevision: readInteger(member('mod_revision'), 'mod_revision', path) };
      break;
    case 'VALUE':
      operand = { target, value: readBytes(member('value'), 'value', path) };
      break;
    case 'LEASE':
      operand = { target, lease: readInteger(member('lease'), 'lease', path) };
      break;
  }
  return { ...base, ...operand };
}

/** One message of a Watch stream. */
export function decodeWatchRequest(wire: WireObject): WatchRequest {
  const path = 'WatchRequest';
  if (wire.create_request) {
    return { type: 'create', request: decodeWatchCreateRequest(readObject(wire.create_request, path)) };
  }
  if (wire.cancel_request) {
    const cancel = readObject(wire.cancel_request, path);
    return { type: 'cancel', watchId: readInteger(cancel, 'watch_id', 'WatchCancelRequest') };
  }
  if (wire.progress_request) return { type: 'progress' };
  throw EtcdError.invalidRequest('WatchRequest has no request set');
}

function decodeWatchCreateRequest(wire: WireObject): WatchCreateRequest {
  const path = 'WatchCreateRequest';
  const filters = readList(wire, 'filters', path).map((filter, index) =>
    readEnum({ filter }, 'filter', watchFilters, `${path}.filters[${index}]`),
  );
  return {
    key: readBytes(wire, 'key', path),
    rangeEnd: optionalBytes(readBytes(wire, 'range_end', path)),
    startRevision: readInteger(wire, 'start_revision', path),
    progressNotify: readBool(wire, 'progress_notify', path),
    filters,
    prevKv: readBool(wire, 'prev_kv', path),
    watchId: readInteger(wire, 'watch_id', path),
    fragment: readBool(wire, 'fragment', path),
  };
}

/** The `ID` field shared by the lease and member requests. */
export function decodeId(wire: WireObject, path: string): number {
  return readInteger(wire, 'ID', path);
}

export function decodeMemberAddRequest(wire: WireObject): MemberAddRequest {
  const path = 'MemberAddRequest';
  return { peerUrls: readStringList(wire, 'peerURLs', path), isLearner: readBool(wire, 'isLearner', path) };
}

export function decodeMemberUpdateRequest(wire: WireObject): MemberUpdateRequest {
  const path = 'MemberUpdateRequest';
  return { id: decodeId(wire, path), peerUrls: readStringList(wire, 'peerURLs', path) };
}

export function decodeAlarmRequest(wire: WireObject): AlarmRequest {
  const path = 'AlarmRequest';
  return {
    action: readEnum(wire, 'action', alarmActions, path),
    memberId: readInteger(wire, 'memberID', path),
    alarm: readEnum(wire, 'alarm', alarmTypes, path),
  };
}

export function decodeLockRequest(wire: WireObject): LockRequest {
  return { name: readBytes(wire, 'name', 'LockRequest'), lease: readInteger(wire, 'lease', 'LockRequest') };
}

export function decodeUnlockKey(wire: WireObject): Uint8Array {
  return readBytes(wire, 'key', 'UnlockRequest');
}
