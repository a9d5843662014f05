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

export interface WorkloadClient {
  range(request: api.RangeRequest, options?: RequestOptions): Promise<api.RangeResponse>;
  put(request: api.PutRequest, options?: RequestOptions): Promise<api.PutResponse>;
  deleteRange(request: api.DeleteRangeRequest, options?: RequestOptions): Promise<api.DeleteRangeResponse>;
  txn(request: api.TxnRequest, options?: RequestOptions): Promise<api.TxnResponse>;
  /** A watch stream; the handlers see the node's responses and the stream's end. */
  watch(handlers: WatchStreamHandlers): WatchStream;
  leaseGrant(request: api.LeaseGrantRequest, options?: RequestOptions): Promise<api.LeaseGrantResponse>;
  leaseKeepAlive(
    request: api.LeaseKeepAliveRequest,
    options?: RequestOptions,
  ): Promise<api.LeaseKeepAliveResponse>;
  leaseRevoke(request: api.LeaseRevokeRequest, options?: RequestOptions): Promise<api.LeaseRevokeResponse>;
  lock(request: api.LockRequest, options?: RequestOptions): Promise<api.LockResponse>;
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
