// The small client interface every workload is written against (DESIGN.md "Seams"): the
// subset of etcd's API the workloads use, with a per-request timeout. Two implementations:
// `InProcessClient` (an etcd-ts node in the simulator) and `GrpcClient` (any etcd v3
// server). A failed request rejects with an `EtcdError` (the server answered with one of
// etcd's errors) or a `ClientError` (the client gave up or lost the connection);
// outcome.ts decides once whether each means "did not happen" or "unknown".

import type { EtcdError } from '../server/api/errors.js';
import type { WatchStream, WatchStreamHandlers } from '../server/api/service.js';
import type * as api from '../server/api/types.js';

export type { WatchStream, WatchStreamHandlers };

export interface RequestOptions {
  /** Give up after this many ms of the client's clock; default: the client's own default. */
  readonly timeoutMs?: number;
}

/**
 * A lease id as decimal digits, "0" for none. Real etcd picks 63-bit ids, beyond the
 * 2^53 a JavaScript number holds exactly, so lease ids never pass through a number on
 * their way between a workload and a server; a string also records as-is in histories.
 */
export type LeaseId = string;

/** "No lease", as etcd's 0. */
export const noLease: LeaseId = '0';

// The domain types of server/api/types.ts with every lease id as a `LeaseId`. Watch
// events keep the domain types: no workload reads a lease off a watched key.

export type KeyValue = Omit<api.KeyValue, 'lease'> & { readonly lease: LeaseId };
export type RangeResponse = Omit<api.RangeResponse, 'kvs'> & { readonly kvs: readonly KeyValue[] };
export type PutRequest = Omit<api.PutRequest, 'lease'> & { readonly lease?: LeaseId };
export type PutResponse = Omit<api.PutResponse, 'prevKv'> & { readonly prevKv?: KeyValue };
export type DeleteRangeResponse = Omit<api.DeleteRangeResponse, 'prevKvs'> & {
  readonly prevKvs: readonly KeyValue[];
};
export type Compare =
  | Exclude<api.Compare, { readonly target: 'LEASE' }>
  | (Omit<Extract<api.Compare, { readonly target: 'LEASE' }>, 'lease'> & { readonly lease: LeaseId });
export type RequestOp =
  | { readonly type: 'range'; readonly request: api.RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: api.DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest };
export type ResponseOp =
  | { readonly type: 'range'; readonly response: RangeResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse };
export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}
export type TxnResponse = Omit<api.TxnResponse, 'responses'> & { readonly responses: readonly ResponseOp[] };
export type LeaseGrantRequest = Omit<api.LeaseGrantRequest, 'id'> & { readonly id?: LeaseId };
export type LeaseGrantResponse = Omit<api.LeaseGrantResponse, 'id'> & { readonly id: LeaseId };
export interface LeaseKeepAliveRequest {
  readonly id: LeaseId;
}
export type LeaseKeepAliveResponse = Omit<api.LeaseKeepAliveResponse, 'id'> & { readonly id: LeaseId };
export interface LeaseRevokeRequest {
  readonly id: LeaseId;
}
export type LockRequest = Omit<api.LockRequest, 'lease'> & { readonly lease: LeaseId };

export interface WorkloadClient {
  range(request: api.RangeRequest, options?: RequestOptions): Promise<RangeResponse>;
  put(request: PutRequest, options?: RequestOptions): Promise<PutResponse>;
  deleteRange(request: api.DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse>;
  txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse>;
  /** A watch stream; the handlers see the node's responses and the stream's end. */
  watch(handlers: WatchStreamHandlers): WatchStream;
  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse>;
  leaseKeepAlive(request: LeaseKeepAliveRequest, options?: RequestOptions): Promise<LeaseKeepAliveResponse>;
  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<api.LeaseRevokeResponse>;
  lock(request: LockRequest, options?: RequestOptions): Promise<api.LockResponse>;
  unlock(request: api.UnlockRequest, options?: RequestOptions): Promise<api.UnlockResponse>;
  status(options?: RequestOptions): Promise<api.StatusResponse>;
  /** Releases connections; later requests reject with a `ClientError` of reason 'closed'. */
  close(): void;
}

/**
 * Why the client itself gave up. `sent` says whether the request may have reached the
 * server: a request refused before it left (connection refused, client closed) cannot
 * have taken effect.
 */
export type ClientErrorReason =
  /** The per-request deadline passed with no answer. */
  | 'timeout'
  /** The connection broke while the request was out. */
  | 'connection-lost'
  /** No connection could be made, so nothing was sent. */
  | 'connect-failed'
  /** The client was closed before the request was sent. */
  | 'closed'
  /** The transport answered with a status that is not one of etcd's catalogued errors. */
  | 'status';

export class ClientError extends Error {
  override name = 'ClientError';
  constructor(
    readonly reason: ClientErrorReason,
    message: string,
    readonly options: { readonly sent: boolean; readonly code?: number } = { sent: true },
  ) {
    super(message);
  }
}

/** What a request rejects with: the server's word or the client's. */
export type RequestError = EtcdError | ClientError;

/** Default per-request timeout, as Jepsen's etcd client (5 s). */
export const requestTimeoutMsDefault = 5000;
