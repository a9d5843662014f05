// The requests a node applies from committed Raft entries, and what applying one yields.
// The shapes are the client API's (server/api/types.ts); this union names which one an
// entry carries, like etcd's InternalRaftRequest.

import type { EtcdError } from '../api/errors.js';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
} from '../api/types.js';

export type ApplyRequest =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest }
  | { readonly type: 'compaction'; readonly request: CompactionRequest }
  | { readonly type: 'leaseGrant'; readonly request: LeaseGrantRequest }
  | { readonly type: 'leaseRevoke'; readonly request: LeaseRevokeRequest };

export type ApplyResponse =
  | { readonly type: 'range'; readonly response: RangeResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse }
  | { readonly type: 'compaction'; readonly response: CompactionResponse }
  | { readonly type: 'leaseGrant'; readonly response: LeaseGrantResponse }
  | { readonly type: 'leaseRevoke'; readonly response: LeaseRevokeResponse };

/** The result of applying one request: a response, or etcd's error and no change. */
export type ApplyOutcome =
  | { readonly type: 'ok'; readonly response: ApplyResponse }
  | { readonly type: 'error'; readonly error: EtcdError };

/** One request as carried in a Raft entry: the proposer's id to match the reply, and the request. */
export interface RaftRequest {
  readonly id: number;
  readonly request: ApplyRequest;
}
