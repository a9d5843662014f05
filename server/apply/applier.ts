// The applier: applies one committed request to the store and the lessor and answers it
// with etcd's response or etcd's error. It is deterministic: the same requests in the same
// order give every replica the same state and the same answers. A request is checked in
// full before its first write, so a failing request changes nothing (etcd's txn checks);
// all writes of one request share one revision.

import { EtcdError } from '../api/errors.js';
import type {
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from '../api/types.js';
import { assert } from '../assert.js';
import type { Lessor } from '../lease/lessor.js';
import type { KvStore, WriteTxn } from '../mvcc/kv-store.js';
import type { ApplyOutcome, ApplyRequest, ApplyResponse } from './apply-request.js';
import { compareHolds } from './compare.js';
import { executeRange, type RangeReader } from './range.js';

export interface ApplierOptions {
  readonly clusterId: number;
  readonly memberId: number;
}

export interface ApplyContext {
  /** The term of the entry being applied, for response headers. */
  readonly raftTerm: number;
  /** This node's Clock reading: starts lease expiry on the leader. */
  readonly nowMs: number;
  /**
   * The Raft request id; a LeaseGrant without an id gets this one, so every replica picks
   * the same id (etcd fills the id before proposing; a node may do that instead).
   */
  readonly requestId?: number;
}

/** A txn's outcome before headers are attached. */
interface TxnBody {
  readonly succeeded: boolean;
  readonly responses: OpBody[];
}

type OpBody =
  | { readonly type: 'range'; readonly response: Omit<RangeResponse, 'header'> }
  | { readonly type: 'put'; readonly response: Omit<PutResponse, 'header'> }
  | { readonly type: 'deleteRange'; readonly response: Omit<DeleteRangeResponse, 'header'> }
  | { readonly type: 'txn'; readonly response: TxnBody };

/** Which branch each txn (and each nested txn of the taken branch) takes, decided up front. */
interface TxnPath {
  readonly succeeded: boolean;
  readonly nested: TxnPath[];
}

export class Applier {
  constructor(
    readonly store: KvStore,
    readonly lessor: Lessor,
    readonly options: ApplierOptions,
  ) {
    assert(store.leases === lessor, 'the store must report attachments to this lessor');
  }

  apply(request: ApplyRequest, context: ApplyContext): ApplyOutcome {
    try {
      return { type: 'ok', response: this.execute(request, context) };
    } catch (error) {
      if (error instanceof EtcdError) return { type: 'error', error };
      throw error;
    }
  }

  header(raftTerm: number): ResponseHeader {
    return {
      clusterId: this.options.clusterId,
      memberId: this.options.memberId,
      revision: this.store.currentRevision,
      raftTerm,
    };
  }

  private execute(request: ApplyRequest, context: ApplyContext): ApplyResponse {
    const term = context.raftTerm;
    switch (request.type) {
      case 'range':
        return { type: 'range', response: this.range(request.request, term) };
      case 'put': {
        const txn = this.checkedWrite({
          compare: [],
          success: [{ type: 'put', request: request.request }],
          failure: [],
        });
        const response = this.put(txn, request.request);
        txn.commit();
        return { type: 'put', response: { ...response, header: this.header(term) } };
      }
      case 'deleteRange': {
        const txn = this.store.beginWrite();
        const response = this.deleteRange(txn, request.request);
        txn.commit();
        return { type: 'deleteRange', response: { ...response, header: this.header(term) } };
      }
      case 'txn':
        return { type: 'txn', response: this.txn(request.request, term) };
      case 'compaction':
        this.store.compact(request.request.revision);
        return { type: 'compaction', response: { header: this.header(term) } };
      case 'leaseGrant': {
        const id = (request.request.id ?? 0) !== 0 ? request.request.id! : (context.requestId ?? 0);
        if (id <= 0 || !Number.isSafeInteger(id)) throw EtcdError.invalidRequest('LeaseGrantRequest.ID');
        const lease = this.lessor.grant(id, request.request.ttlSeconds, context.nowMs);
        const header = this.header(term);
        return { type: 'leaseGrant', response: { header, id, ttlSeconds: lease.ttlSeconds, error: '' } };
      }
      case 'leaseRevoke': {
        const txn = this.store.beginWrite();
        this.lessor.revoke(request.request.id, txn);
        txn.commit();
        return { type: 'leaseRevoke', response: { header: this.header(term) } };
      }
    }
  }

  private range(request: RangeRequest, term: number): RangeResponse {
    const read: RangeReader = (key, rangeEnd, options) => this.store.range(key, rangeEnd, options);
    return { header: this.header(term), ...executeRange(read, request) };
  }

  private txn(request: TxnRequest, term: number): TxnResponse {
    const path = this.decidePath(request);
    const txn = this.checkedWrite(request, path);
    const body = this.runTxn(txn, request, path);
    txn.commit();
    return this.withHeaders(body, this.header(term));
  }

  /** Evaluates every compare on the state before the request, as etcd does. */
  private decidePath(request: TxnRequest): TxnPath {
    const read: RangeReader = (key, rangeEnd, options) => this.store.range(key, rangeEnd, options);
    const succeeded = request.compare.every((compare) => compareHolds(read, compare));
    const ops = succeeded ? request.success : request.failure;
    const nested = ops.filter((op) => op.type === 'txn').map((op) => this.decidePath(op.request));
    return { succeeded, nested };
  }

  /** Checks every operation on the path, then opens the write transaction. */
  private checkedWrite(request: TxnRequest, path: TxnPath = { succeeded: true, nested: [] }): WriteTxn {
    this.checkOps(request, path);
    return this.store.beginWrite();
  }

  private checkOps(request: TxnRequest, path: TxnPath): void {
    const ops = path.succeeded ? request.success : request.failure;
    let nestedIndex = 0;
    for (const op of ops) {
      if (op.type === 'put') this.checkPut(op.request);
      else if (op.type === 'range') this.checkRange(op.request);
      else if (op.type === 'txn') this.checkOps(op.request, path.nested[nestedIndex++]!);
    }
  }

  private checkPut(request: PutRequest): void {
    if (request.ignoreValue || request.ignoreLease) {
      if (this.store.range(request.key, undefined).kvs.length === 0) throw EtcdError.of('keyNotFound');
    }
    const lease = request.lease ?? 0;
    if (lease !== 0 && this.lessor.lookup(lease) === undefined) throw EtcdError.of('leaseNotFound');
  }

  private checkRange(request: RangeRequest): void {
    const revision = request.revision ?? 0;
    if (revision > this.store.currentRevision) throw EtcdError.of('futureRevision');
    if (revision > 0 && revision < this.store.compactedRevision) throw EtcdError.of('compacted');
  }

  private runTxn(txn: WriteTxn, request: TxnRequest, path: TxnPath): TxnBody {
    const ops = path.succeeded ? request.success : request.failure;
    let nestedIndex = 0;
    const responses = ops.map((op) => this.runOp(txn, op, () => path.nested[nestedIndex++]!));
    return { succeeded: path.succeeded, responses };
  }

  private runOp(txn: WriteTxn, op: RequestOp, nextPath: () => TxnPath): OpBody {
    switch (op.type) {
      case 'range': {
        const read: RangeReader = (key, rangeEnd, options) => txn.range(key, rangeEnd, options);
        return { type: 'range', response: executeRange(read, op.request) };
      }
      case 'put':
        return { type: 'put', response: this.put(txn, op.request) };
      case 'deleteRange':
        return { type: 'deleteRange', response: this.deleteRange(txn, op.request) };
      case 'txn':
        return { type: 'txn', response: this.runTxn(txn, op.request, nextPath()) };
    }
  }

  /**
   * The txn carries the full header; as in etcd, each nested response's header holds the
   * revision only (cluster id, member id and term are 0, so they stay off the wire).
   */
  private withHeaders(body: TxnBody, header: ResponseHeader): TxnResponse {
    const inner: ResponseHeader = { clusterId: 0, memberId: 0, revision: header.revision, raftTerm: 0 };
    const responses = body.responses.map((op) => this.withHeader(op, inner));
    return { header, succeeded: body.succeeded, responses };
  }

  private withHeader(op: OpBody, header: ResponseHeader): ResponseOp {
    switch (op.type) {
      case 'range':
        return { type: 'range', response: { ...op.response, header } };
      case 'put':
        return { type: 'put', response: { ...op.response, header } };
      case 'deleteRange':
        return { type: 'deleteRange', response: { ...op.response, header } };
      case 'txn':
        return { type: 'txn', response: this.withHeaders(op.response, header) };
    }
  }

  private put(txn: WriteTxn, request: PutRequest): Omit<PutResponse, 'header'> {
    let value = request.value;
    let lease = request.lease ?? 0;
    if (request.ignoreValue || request.ignoreLease) {
      const [existing] = txn.range(request.key, undefined).kvs;
      assert(existing !== undefined, 'checked before the write');
      if (request.ignoreValue) value = existing.value;
      if (request.ignoreLease) lease = existing.lease;
    }
    const { previous } = txn.put(request.key, value, lease);
    return request.prevKv && previous !== undefined ? { prevKv: previous } : {};
  }

  private deleteRange(txn: WriteTxn, request: DeleteRangeRequest): Omit<DeleteRangeResponse, 'header'> {
    const deleted = txn.deleteRange(request.key, request.rangeEnd);
    return { deleted: deleted.length, prevKvs: request.prevKv ? deleted : [] };
  }
}
