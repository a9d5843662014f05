// Lease request and response shapes (etcdserverpb Lease service), part of the domain
// types re-exported by `types.ts`. TTLs are in whole seconds, as on etcd's wire; lease
// ids are positive integers below 2^53 (see types.ts).

import type { ResponseHeader } from './types.js';

export interface LeaseGrantRequest {
  /** Requested time to live in seconds (etcd raises it to its minimum TTL). */
  readonly ttlSeconds: number;
  /** Id the client asks for; 0 or omitted means the server picks one. */
  readonly id?: number;
}

export interface LeaseGrantResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  /** The TTL actually granted, in seconds. */
  readonly ttlSeconds: number;
  /** etcd's legacy error string field; always empty, errors travel as gRPC status. */
  readonly error: string;
}

export interface LeaseRevokeRequest {
  readonly id: number;
}

export interface LeaseRevokeResponse {
  readonly header: ResponseHeader;
}

/** One renewal; the gRPC layer turns each message of a LeaseKeepAlive stream into one. */
export interface LeaseKeepAliveRequest {
  readonly id: number;
}

export interface LeaseKeepAliveResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  /** The renewed TTL in seconds; 0 or less when the lease no longer exists. */
  readonly ttlSeconds: number;
}

export interface LeaseTimeToLiveRequest {
  readonly id: number;
  /** Default false. True: list the keys attached to the lease. */
  readonly keys?: boolean;
}

export interface LeaseTimeToLiveResponse {
  readonly header: ResponseHeader;
  readonly id: number;
  /** Remaining seconds; -1 when the lease does not exist (etcd's convention). */
  readonly ttlSeconds: number;
  readonly grantedTtlSeconds: number;
  readonly keys: readonly Uint8Array[];
}

export interface LeaseLeasesResponse {
  readonly header: ResponseHeader;
  readonly leases: readonly { readonly id: number }[];
}
