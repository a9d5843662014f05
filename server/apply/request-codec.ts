// The bytes of a request carried in a Raft entry, modelled on etcd's InternalRaftRequest:
// {ID=1, range=3, put=4, delete_range=5, txn=6, compaction=7, lease_grant=8,
// lease_revoke=9}, and the embedded messages with etcdserverpb's field numbers
// (RangeRequest, PutRequest, DeleteRangeRequest, TxnRequest/RequestOp/Compare,
// CompactionRequest, LeaseGrantRequest, LeaseRevokeRequest). Encoding is deterministic;
// decoding rejects anything that is not exactly one known request with a CodecError.

import type {
  Compare,
  CompareResult,
  CompareTarget,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  TxnRequest,
} from '../api/types.js';
import {
  CodecError,
  compareResults,
  compareTargets,
  decodeWith,
  fieldTag,
  newWriter,
  type Reader,
  readBytes,
  readFields,
  readInt,
  sortOrders,
  sortTargets,
  WIRE_VARINT,
  type Writer,
  writeBool,
  writeBytes,
  writeInt,
  writeMessage,
} from '../codec/index.js';
import type { ApplyRequest, RaftRequest } from './apply-request.js';

/** Nested txns deeper than this are refused (etcd's API bounds them by the op budget). */
export const txnNestingMax = 64;

const requestFields = {
  range: 3,
  put: 4,
  deleteRange: 5,
  txn: 6,
  compaction: 7,
  leaseGrant: 8,
  leaseRevoke: 9,
} as const satisfies Record<ApplyRequest['type'], number>;
const opFields = { range: 1, put: 2, deleteRange: 3, txn: 4 } as const satisfies Record<
  RequestOp['type'],
  number
>;

export function encodeRaftRequest(raftRequest: RaftRequest): Uint8Array {
  const writer = newWriter();
  writeInt(writer, 1, raftRequest.id);
  const { request } = raftRequest;
  writeMessage(writer, requestFields[request.type], (inner) => {
    switch (request.type) {
      case 'range':
        return encodeRange(inner, request.request);
      case 'put':
        return encodePut(inner, request.request);
      case 'deleteRange':
        return encodeDeleteRange(inner, request.request);
      case 'txn':
        return encodeTxn(inner, request.request);
      case 'compaction':
        writeInt(inner, 1, request.request.revision);
        return writeBool(inner, 2, request.request.physical);
      case 'leaseGrant':
        writeInt(inner, 1, request.request.ttlSeconds);
        return writeInt(inner, 2, request.request.id ?? 0);
      case 'leaseRevoke':
        return writeInt(inner, 1, request.request.id);
    }
  });
  return writer.finish();
}

export function decodeRaftRequest(bytes: Uint8Array): RaftRequest {
  return decodeWith(bytes, 'raft request', (reader) => {
    let id = 0;
    let request: ApplyRequest | undefined;
    readFields(reader, undefined, (field) => {
      if (field === 1) {
        id = readInt(reader, 'ID');
        return true;
      }
      const type = (Object.keys(requestFields) as ApplyRequest['type'][]).find(
        (name) => requestFields[name] === field,
      );
      if (type === undefined) return false;
      if (request !== undefined) throw new CodecError('more than one request in one entry');
      request = decodeRequest(reader, type, reader.uint32());
      return true;
    });
    if (request === undefined) throw new CodecError('entry carries no known request');
    return { id, request };
  });
}

function decodeRequest(reader: Reader, type: ApplyRequest['type'], length: number): ApplyRequest {
  switch (type) {
    case 'range':
      return { type, request: decodeRange(reader, length) };
    case 'put':
      return { type, request: decodePut(reader, length) };
    case 'deleteRange':
      return { type, request: decodeDeleteRange(reader, length) };
    case 'txn':
      return { type, request: decodeTxn(reader, length, 0) };
    case 'compaction': {
      let revision = 0;
      let physical = false;
      readFields(reader, length, (field) => {
        if (field === 1) revision = readInt(reader, 'CompactionRequest.revision');
        else if (field === 2) physical = reader.bool();
        else return false;
        return true;
      });
      return { type, request: { revision, physical } };
    }
    case 'leaseGrant': {
      let ttlSeconds = 0;
      let id = 0;
      readFields(reader, length, (field) => {
        if (field === 1) ttlSeconds = readInt(reader, 'LeaseGrantRequest.TTL');
        else if (field === 2) id = readInt(reader, 'LeaseGrantRequest.ID');
        else return false;
        return true;
      });
      return { type, request: { ttlSeconds, id } };
    }
    case 'leaseRevoke': {
      let id = 0;
      readFields(reader, length, (field) => {
        if (field !== 1) return false;
        id = readInt(reader, 'LeaseRevokeRequest.ID');
        return true;
      });
      return { type, request: { id } };
    }
  }
}

function encodeRange(writer: Writer, request: RangeRequest): void {
  writeBytes(writer, 1, request.key);
  writeBytes(writer, 2, request.rangeEnd);
  writeInt(writer, 3, request.limit ?? 0);
  writeInt(writer, 4, request.revision ?? 0);
  writeInt(writer, 5, sortOrders.indexOf(request.sortOrder ?? 'NONE'));
  writeInt(writer, 6, sortTargets.indexOf(request.sortTarget ?? 'KEY'));
  writeBool(writer, 7, request.serializable);
  writeBool(writer, 8, request.keysOnly);
  writeBool(writer, 9, request.countOnly);
  writeInt(writer, 10, request.minModRevision ?? 0);
  writeInt(writer, 11, request.maxModRevision ?? 0);
  writeInt(writer, 12, request.minCreateRevision ?? 0);
  writeInt(writer, 13, request.maxCreateRevision ?? 0);
}

function decodeRange(reader: Reader, length: number): RangeRequest {
  let request: RangeRequest = { key: new Uint8Array(0) };
  const number = (name: string): number => readInt(reader, `RangeRequest.${name}`);
  readFields(reader, length, (field) => {
    if (field === 1) request = { ...request, key: readBytes(reader) };
    else if (field === 2) request = { ...request, rangeEnd: readBytes(reader) };
    else if (field === 3) request = { ...request, limit: number('limit') };
    else if (field === 4) request = { ...request, revision: number('revision') };
    else if (field === 5)
      request = { ...request, sortOrder: enumValue(sortOrders, number('sort_order'), 'sort_order') };
    else if (field === 6)
      request = { ...request, sortTarget: enumValue(sortTargets, number('sort_target'), 'sort_target') };
    else if (field === 7) request = { ...request, serializable: reader.bool() };
    else if (field === 8) request = { ...request, keysOnly: reader.bool() };
    else if (field === 9) request = { ...request, countOnly: reader.bool() };
    else if (field === 10) request = { ...request, minModRevision: number('min_mod_revision') };
    else if (field === 11) request = { ...request, maxModRevision: number('max_mod_revision') };
    else if (field === 12) request = { ...request, minCreateRevision: number('min_create_revision') };
    else if (field === 13) request = { ...request, maxCreateRevision: number('max_create_revision') };
    else return false;
    return true;
  });
  return request;
}

function encodePut(writer: Writer, request: PutRequest): void {
  writeBytes(writer, 1, request.key);
  writeBytes(writer, 2, request.value);
  writeInt(writer, 3, request.lease ?? 0);
  writeBool(writer, 4, request.prevKv);
  writeBool(writer, 5, request.ignoreValue);
  writeBool(writer, 6, request.ignoreLease);
}

function decodePut(reader: Reader, length: number): PutRequest {
  let request: PutRequest = { key: new Uint8Array(0), value: new Uint8Array(0) };
  readFields(reader, length, (field) => {
    if (field === 1) request = { ...request, key: readBytes(reader) };
    else if (field === 2) request = { ...request, value: readBytes(reader) };
    else if (field === 3) request = { ...request, lease: readInt(reader, 'PutRequest.lease') };
    else if (field === 4) request = { ...request, prevKv: reader.bool() };
    else if (field === 5) request = { ...request, ignoreValue: reader.bool() };
    else if (field === 6) request = { ...request, ignoreLease: reader.bool() };
    else return false;
    return true;
  });
  return request;
}

function encodeDeleteRange(writer: Writer, request: DeleteRangeRequest): void {
  writeBytes(writer, 1, request.key);
  writeBytes(writer, 2, request.rangeEnd);
  writeBool(writer, 3, request.prevKv);
}

function decodeDeleteRange(reader: Reader, length: number): DeleteRangeRequest {
  let request: DeleteRangeRequest = { key: new Uint8Array(0) };
  readFields(reader, length, (field) => {
    if (field === 1) request = { ...request, key: readBytes(reader) };
    else if (field === 2) request = { ...request, rangeEnd: readBytes(reader) };
    else if (field === 3) request = { ...request, prevKv: reader.bool() };
    else return false;
    return true;
  });
  return request;
}

function encodeTxn(writer: Writer, request: TxnRequest): void {
  for (const compare of request.compare) writeMessage(writer, 1, (inner) => encodeCompare(inner, compare));
  for (const [field, ops] of [
    [2, request.success],
    [3, request.failure],
  ] as const) {
    for (const op of ops) {
      writeMessage(writer, field, (inner) =>
        writeMessage(inner, opFields[op.type], (body) => {
          if (op.type === 'range') encodeRange(body, op.request);
          else if (op.type === 'put') encodePut(body, op.request);
          else if (op.type === 'deleteRange') encodeDeleteRange(body, op.request);
          else encodeTxn(body, op.request);
        }),
      );
    }
  }
}

function decodeTxn(reader: Reader, length: number, depth: number): TxnRequest {
  if (depth > txnNestingMax) throw new CodecError(`txn nested deeper than ${txnNestingMax}`);
  const compare: Compare[] = [];
  const success: RequestOp[] = [];
  const failure: RequestOp[] = [];
  readFields(reader, length, (field) => {
    if (field === 1) compare.push(decodeCompare(reader, reader.uint32()));
    else if (field === 2) success.push(decodeOp(reader, reader.uint32(), depth));
    else if (field === 3) failure.push(decodeOp(reader, reader.uint32(), depth));
    else return false;
    return true;
  });
  return { compare, success, failure };
}

function decodeOp(reader: Reader, length: number, depth: number): RequestOp {
  let op: RequestOp | undefined;
  readFields(reader, length, (field) => {
    const inner = field >= 1 && field <= 4 ? reader.uint32() : 0;
    if (field === 1) op = { type: 'range', request: decodeRange(reader, inner) };
    else if (field === 2) op = { type: 'put', request: decodePut(reader, inner) };
    else if (field === 3) op = { type: 'deleteRange', request: decodeDeleteRange(reader, inner) };
    else if (field === 4) op = { type: 'txn', request: decodeTxn(reader, inner, depth + 1) };
    else return false;
    return true;
  });
  if (op === undefined) throw new CodecError('RequestOp carries no request');
  return op;
}

function encodeCompare(writer: Writer, compare: Compare): void {
  writeInt(writer, 1, compareResults.indexOf(compare.result));
  writeInt(writer, 2, compareTargets.indexOf(compare.target));
  writeBytes(writer, 3, compare.key);
  // The operand is a oneof: written even when zero, so that decoding gives it back.
  if (compare.target === 'VERSION') writer.uint32(fieldTag(4, WIRE_VARINT)).int64(compare.version);
  else if (compare.target === 'CREATE') writer.uint32(fieldTag(5, WIRE_VARINT)).int64(compare.createRevision);
  else if (compare.target === 'MOD') writer.uint32(fieldTag(6, WIRE_VARINT)).int64(compare.modRevision);
  else if (compare.target === 'VALUE') writeBytes(writer, 7, compare.value, true);
  else writer.uint32(fieldTag(8, WIRE_VARINT)).int64(compare.lease);
  writeBytes(writer, 64, compare.rangeEnd);
}

function decodeCompare(reader: Reader, length: number): Compare {
  let result = 'EQUAL' as CompareResult;
  let target = 'VERSION' as CompareTarget;
  let key: Uint8Array = new Uint8Array(0);
  let rangeEnd: Uint8Array | undefined;
  let number = 0;
  let value: Uint8Array = new Uint8Array(0);
  readFields(reader, length, (field) => {
    if (field === 1) result = enumValue(compareResults, readInt(reader, 'Compare.result'), 'Compare.result');
    else if (field === 2)
      target = enumValue(compareTargets, readInt(reader, 'Compare.target'), 'Compare.target');
    else if (field === 3) key = readBytes(reader);
    else if (field >= 4 && field <= 6) number = readInt(reader, `Compare.${field}`);
    else if (field === 8) number = readInt(reader, 'Compare.lease');
    else if (field === 7) value = readBytes(reader);
    else if (field === 64) rangeEnd = readBytes(reader);
    else return false;
    return true;
  });
  const base = rangeEnd === undefined ? { result, key } : { result, key, rangeEnd };
  switch (target) {
    case 'VERSION':
      return { ...base, target, version: number };
    case 'CREATE':
      return { ...base, target, createRevision: number };
    case 'MOD':
      return { ...base, target, modRevision: number };
    case 'VALUE':
      return { ...base, target, value };
    case 'LEASE':
      return { ...base, target, lease: number };
  }
}

function enumValue<T>(values: readonly T[], index: number, what: string): T {
  const value = values[index];
  if (value === undefined) throw new CodecError(`${what} ${index} is not a known value`);
  return value;
}
