// Cluster, Maintenance and v3lock request and response shapes, part of the domain types
// re-exported by `types.ts`. Member ids are positive integers below 2^53 (see types.ts).

import type { ResponseHeader } from './types.js';

/** etcdserverpb.Member. */
export interface Member {
  readonly id: number;
  /** Empty for a member that was added but has not started yet. */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

export interface MemberListRequest {
  /** Default false. True: the list is read linearizably (through Raft). */
  readonly linearizable?: boolean;
}

export interface MemberListResponse {
  readonly header: ResponseHeader;
  readonly members: readonly Member[];
}

export interface MemberAddRequest {
  readonly peerUrls: readonly string[];
  /** Default false. */
  readonly isLearner?: boolean;
}

export interface MemberAddResponse {
  readonly header: ResponseHeader;
  readonly member: Member;
  readonly members: readonly Member[];
}

export interface MemberRemoveRequest {
  readonly id: number;
}

export interface MemberUpdateRequest {
  readonly id: number;
  readonly peerUrls: readonly string[];
}

export interface MemberPromoteRequest {
  readonly id: number;
}

/** The answer to remove, update and promote: the membership after the change. */
export interface MemberChangeResponse {
  readonly header: ResponseHeader;
  readonly members: readonly Member[];
}

export interface StatusResponse {
  readonly header: ResponseHeader;
  /** The server's version string, e.g. "3.4.0"-compatible. */
  readonly version: string;
  readonly dbSizeBytes: number;
  /** Member id of the leader this member knows, 0 for none. */
  readonly leader: number;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  /** Alarm descriptions, empty when healthy. */
  readonly errors: readonly string[];
  readonly dbSizeInUseBytes: number;
  readonly isLearner: boolean;
}

export interface HashResponse {
  readonly header: ResponseHeader;
  /** CRC32-style hash of the whole store (uint32). */
  readonly hash: number;
}

export interface HashKvRequest {
  /** Hash the store as of this revision; 0 or omitted means the current one. */
  readonly revision?: number;
}

export interface HashKvResponse {
  readonly header: ResponseHeader;
  /** Hash of the key-values up to the revision (uint32). */
  readonly hash: number;
  readonly compactRevision: number;
}

export type AlarmAction = 'GET' | 'ACTIVATE' | 'DEACTIVATE';
export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface AlarmRequest {
  readonly action: AlarmAction;
  /** 0 or omitted with GET: every member. */
  readonly memberId?: number;
  /** Default 'NONE' (with GET: every alarm type). */
  readonly alarm?: AlarmType;
}

export interface AlarmMember {
  readonly memberId: number;
  readonly alarm: AlarmType;
}

export interface AlarmResponse {
  readonly header: ResponseHeader;
  readonly alarms: readonly AlarmMember[];
}

export interface DefragmentResponse {
  readonly header: ResponseHeader;
}

/** One piece of a snapshot stream; the last chunk has `remainingBytes` 0. */
export interface SnapshotChunk {
  readonly header: ResponseHeader;
  readonly remainingBytes: number;
  readonly blob: Uint8Array;
}

/** v3lockpb.LockRequest. */
export interface LockRequest {
  /** The lock's name: holders queue under this prefix. */
  readonly name: Uint8Array;
  /** The lease that owns the lock; the lock is released when the lease ends. */
  readonly lease: number;
}

export interface LockResponse {
  readonly header: ResponseHeader;
  /** The ownership key; pass it to unlock. It exists as long as the lock is held. */
  readonly key: Uint8Array;
}

export interface UnlockRequest {
  readonly key: Uint8Array;
}

export interface UnlockResponse {
  readonly header: ResponseHeader;
}
