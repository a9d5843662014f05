// The one typed interface through which client requests enter an etcd-ts node
// (DESIGN.md, "Seams"). The gRPC server decodes the wire into these calls; the
// simulator's in-process client makes them directly, so a simulated run exercises the
// same request path as a real one, minus the wire.
//
// Contract for implementers:
// - Every result is a Promise of the response type; every failure is an `EtcdError`
//   (a catalogue error from errors.ts). Anything else thrown is a bug: the gRPC layer
//   answers it with INTERNAL and keeps serving.
// - Every response carries a full `ResponseHeader` (cluster id, member id, revision, term).
// - Requests arrive already validated the way etcd's API layer validates them (see
//   request-validation.ts): keys present, txn size and duplicate writes checked. The
//   in-process client is expected to send requests of the same shape.

import type { EtcdError } from './errors.js';
import type {
  AlarmRequest,
  AlarmResponse,
  CompactionRequest,
  CompactionResponse,
  DefragmentResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashKvRequest,
  HashKvResponse,
  HashResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  LockRequest,
  LockResponse,
  MemberAddRequest,
  MemberAddResponse,
  MemberChangeResponse,
  MemberListRequest,
  MemberListResponse,
  MemberPromoteRequest,
  MemberRemoveRequest,
  MemberUpdateRequest,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  SnapshotChunk,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  UnlockRequest,
  UnlockResponse,
  WatchRequest,
  WatchResponse,
} from './types.js';

/** What the node calls back on one watch stream. */
export interface WatchStreamHandlers {
  /** One response: created/canceled acknowledgements, events, progress notifications. */
  readonly onResponse: (response: WatchResponse) => void;
  /**
   * The node ended the stream (it is stopping, or lost the ability to serve watches).
   * Not called after the client's own `close()`.
   */
  readonly onEnd: (error?: EtcdError) => void;
}

/**
 * One client watch stream: many watchers multiplexed by watch id, like etcd's Watch RPC.
 * A create request that cannot be served is answered with a response that has both
 * `created` and `canceled` set and a `cancelReason`, as etcd does; `send` itself only
 * throws for a stream that is already closed.
 */
export interface WatchStream {
  send(request: WatchRequest): void;
  /** Cancels every watcher of the stream; no handler is called afterwards. */
  close(): void;
}

export interface LockOptions {
  /** Aborted when the client gave up: the node stops waiting for the lock. */
  readonly signal?: AbortSignal;
}

export interface EtcdService {
  // KV
  range(request: RangeRequest): Promise<RangeResponse>;
  put(request: PutRequest): Promise<PutResponse>;
  deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  compact(request: CompactionRequest): Promise<CompactionResponse>;

  // Watch
  watch(handlers: WatchStreamHandlers): WatchStream;

  // Lease
  leaseGrant(request: LeaseGrantRequest): Promise<LeaseGrantResponse>;
  leaseRevoke(request: LeaseRevokeRequest): Promise<LeaseRevokeResponse>;
  /**
   * One renewal. For a lease that does not exist it resolves with `ttlSeconds` 0, which
   * is what etcd sends on the keep-alive stream (clients read it as "lease not found").
   */
  leaseKeepAlive(request: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse>;
  leaseTimeToLive(request: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse>;
  leaseLeases(): Promise<LeaseLeasesResponse>;

  // Cluster
  memberList(request: MemberListRequest): Promise<MemberListResponse>;
  memberAdd(request: MemberAddRequest): Promise<MemberAddResponse>;
  memberRemove(request: MemberRemoveRequest): Promise<MemberChangeResponse>;
  memberUpdate(request: MemberUpdateRequest): Promise<MemberChangeResponse>;
  memberPromote(request: MemberPromoteRequest): Promise<MemberChangeResponse>;

  // Maintenance
  status(): Promise<StatusResponse>;
  hash(): Promise<HashResponse>;
  hashKv(request: HashKvRequest): Promise<HashKvResponse>;
  /**
   * The node's state as a stream of chunks; the consumer may stop early with `return()`.
   * The concatenated blobs must be framed by `frameSnapshot()` (snapshot-framing.ts):
   * etcdctl rejects a download that does not end like an etcd snapshot.
   */
  snapshot(): AsyncIterable<SnapshotChunk>;
  alarm(request: AlarmRequest): Promise<AlarmResponse>;
  defragment(): Promise<DefragmentResponse>;

  // v3lock
  /** Waits until the caller owns the lock (or the lease ends, or `signal` aborts). */
  lock(request: LockRequest, options?: LockOptions): Promise<LockResponse>;
  unlock(request: UnlockRequest): Promise<UnlockResponse>;
}
