// etcd's API-layer request checks (its v3rpc key.go rules), on the domain types so the
// gRPC server and the simulator's in-process client reject exactly the same requests
// with exactly etcd's errors, before anything reaches Raft.

import { EtcdError } from './errors.js';
import type { DeleteRangeRequest, PutRequest, RangeRequest, RequestOp, TxnRequest } from './types.js';

/** etcd's default --max-txn-ops. */
export const txnOpsMaxDefault = 128;

/** etcd's default --max-request-bytes (1.5 MiB). */
export const requestBytesMaxDefault = 1.5 * 1024 * 1024;

/**
 * What etcd adds on top of --max-request-bytes for the gRPC receive limit: a message
 * between the two gets "request is too large" from etcd, a larger one is refused by gRPC
 * itself with RESOURCE_EXHAUSTED.
 */
export const grpcOverheadBytes = 512 * 1024;

export function checkRangeRequest(request: RangeRequest): void {
  if (request.key.length === 0) throw EtcdError.of('emptyKey');
}

export function checkPutRequest(request: PutRequest): void {
  if (request.key.length === 0) throw EtcdError.of('emptyKey');
  if (request.ignoreValue === true && request.value.length !== 0) throw EtcdError.of('valueProvided');
  if (request.ignoreLease === true && (request.lease ?? 0) !== 0) throw EtcdError.of('leaseProvided');
}

export function checkDeleteRangeRequest(request: DeleteRangeRequest): void {
  if (request.key.length === 0) throw EtcdError.of('emptyKey');
}

/**
 * Too many operations in any one list, then each operation's own checks (nested txns
 * share what is left of the budget, as in etcd), then no key written twice.
 */
export function checkTxnRequest(request: TxnRequest, txnOpsMax = txnOpsMaxDefault): void {
  checkTxnOps(request, txnOpsMax);
  checkBranchWrites(request.success);
  checkBranchWrites(request.failure);
}

function checkTxnOps(request: TxnRequest, txnOpsMax: number): void {
  const opCount = Math.max(request.compare.length, request.success.length, request.failure.length);
  if (opCount > txnOpsMax) throw EtcdError.of('tooManyOps');
  for (const op of [...request.success, ...request.failure]) checkRequestOp(op, txnOpsMax - opCount);
}

function checkRequestOp(op: RequestOp, txnOpsMax: number): void {
  switch (op.type) {
    case 'range':
      checkRangeRequest(op.request);
      break;
    case 'put':
      checkPutRequest(op.request);
      break;
    case 'deleteRange':
      checkDeleteRangeRequest(op.request);
      break;
    case 'txn':
      checkTxnOps(op.request, txnOpsMax);
      break;
  }
}

/** Keys written by one branch: single-key puts and half-open delete ranges. */
interface BranchWrites {
  readonly puts: Set<string>;
  readonly deletes: { readonly start: string; readonly end: string | undefined }[];
}

/**
 * A branch may not put one key twice nor put a key it also deletes, counting the
 * writes of nested txns (either of whose branches may run); deletes may overlap.
 */
function checkBranchWrites(ops: readonly RequestOp[]): BranchWrites {
  const writes: BranchWrites = { puts: new Set(), deletes: [] };
  for (const op of ops) {
    if (op.type === 'deleteRange') writes.deletes.push(deleteInterval(op.request));
  }
  for (const op of ops) {
    if (op.type === 'put') {
      const key = latin1(op.request.key);
      if (writes.puts.has(key) || writes.deletes.some((interval) => contains(interval, key))) {
        throw EtcdError.of('duplicateKey');
      }
      writes.puts.add(key);
    } else if (op.type === 'txn') {
      const success = checkBranchWrites(op.request.success);
      const failure = checkBranchWrites(op.request.failure);
      for (const nested of [success, failure]) {
        for (const key of nested.puts) {
          if (writes.puts.has(key) || writes.deletes.some((interval) => contains(interval, key))) {
            throw EtcdError.of('duplicateKey');
          }
        }
        for (const interval of nested.deletes) {
          for (const key of writes.puts) if (contains(interval, key)) throw EtcdError.of('duplicateKey');
        }
      }
      for (const nested of [success, failure]) {
        for (const key of nested.puts) writes.puts.add(key);
        writes.deletes.push(...nested.deletes);
      }
    }
  }
  return writes;
}

/** Bytes as a string whose code units order like the bytes (one unit per byte). */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function deleteInterval(request: DeleteRangeRequest): { start: string; end: string | undefined } {
  const start = latin1(request.key);
  const rangeEnd = request.rangeEnd;
  if (rangeEnd === undefined || rangeEnd.length === 0) return { start, end: `${start}\u0000` };
  // "\0" as range end means every key from `start` on.
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start, end: undefined };
  return { start, end: latin1(rangeEnd) };
}

function contains(interval: { start: string; end: string | undefined }, key: string): boolean {
  return key >= interval.start && (interval.end === undefined || key < interval.end);
}
