// The request and response shapes of etcd v3's client API (etcdserverpb, mvccpb), as the
// domain types every part of etcd-ts speaks: the gRPC layer converts the wire to these,
// the simulator's in-process client builds them directly, and the node, MVCC store,
// lease manager and watch hub consume and produce them.
//
// Conventions, chosen once so no layer has to guess:
// - Keys and values are `Uint8Array` (etcd keys are bytes, not strings).
// - etcd's int64/uint64 fields (revisions, versions, lease ids, member ids, counts) are
//   `number`. etcd-ts only ever creates values below 2^53 (Number.MAX_SAFE_INTEGER), and
//   the gRPC layer rejects a request carrying a larger one, so `number` is exact here.
// - Enums are string unions spelled as etcd's proto enum names ('ASCEND', 'EQUAL', ...).
// - Request fields that proto3 lets a client omit are optional; the comment on each gives
//   etcd's meaning of the omitted (zero) value. Response fields are always present.
// - Field names are etcd's, in camelCase (range_end -> rangeEnd).

export type * from './cluster-types.js';
export type * from './lease-types.js';

/** Present on every response; the node fills it from its own state when it answers. */
export interface ResponseHeader {
  readonly clusterId: number;
  readonly memberId: number;
  /** The store's current revision when the response was produced. */
  readonly revision: number;
  readonly raftTerm: number;
}

/** mvccpb.KeyValue. */
export interface KeyValue {
  readonly key: Uint8Array;
  /** Revision of the last creation of this key (the start of its current generation). */
  readonly createRevision: number;
  /** Revision of the last modification of this key. */
  readonly modRevision: number;
  /** Number of modifications since creation; a delete resets it to 0. */
  readonly version: number;
  readonly value: Uint8Array;
  /** The attached lease id, 0 for none. */
  readonly lease: number;
}

/** mvccpb.Event.EventType. */
export type EventType = 'PUT' | 'DELETE';

/** mvccpb.Event. For a DELETE, `kv` holds the key and the deletion's modRevision only. */
export interface Event {
  readonly type: EventType;
  readonly kv: KeyValue;
  /** The key's previous value, only when the watcher asked for prevKv and one existed. */
  readonly prevKv?: KeyValue;
}

export type SortOrder = 'NONE' | 'ASCEND' | 'DESCEND';
export type SortTarget = 'KEY' | 'VERSION' | 'CREATE' | 'MOD' | 'VALUE';

export interface RangeRequest {
  readonly key: Uint8Array;
  /**
   * Omitted or empty: the single key `key`. `[0]` (a single zero byte): every key >= key.
   * Otherwise the half-open range [key, rangeEnd).
   */
  readonly rangeEnd?: Uint8Array;
  /** Maximum number of keys returned; 0 or omitted means no limit. */
  readonly limit?: number;
  /** Read at this revision; 0 or omitted means the current revision. */
  readonly revision?: number;
  /** Default 'NONE' (key order ascending, as etcd returns it). */
  readonly sortOrder?: SortOrder;
  /** Default 'KEY'. */
  readonly sortTarget?: SortTarget;
  /** Default false: a linearizable read (ReadIndex). True: served from the local store. */
  readonly serializable?: boolean;
  /** Default false. True: values are left empty in the result. */
  readonly keysOnly?: boolean;
  /** Default false. True: only `count` is returned, `kvs` is empty. */
  readonly countOnly?: boolean;
  /** Filters; 0 or omitted means no filter. Bounds are inclusive. */
  readonly minModRevision?: number;
  readonly maxModRevision?: number;
  readonly minCreateRevision?: number;
  readonly maxCreateRevision?: number;
}

export interface RangeResponse {
  readonly header: ResponseHeader;
  readonly kvs: readonly KeyValue[];
  /** True when `limit` cut the result short. */
  readonly more: boolean;
  /** Number of keys in the range (before `limit` is applied). */
  readonly count: number;
}

export interface PutRequest {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** Lease to attach; 0 or omitted means none. */
  readonly lease?: number;
  /** Default false. True: the response carries the key's previous value. */
  readonly prevKv?: boolean;
  /** Default false. True: keep the current value (the key must exist). */
  readonly ignoreValue?: boolean;
  /** Default false. True: keep the current lease (the key must exist). */
  readonly ignoreLease?: boolean;
}

export interface PutResponse {
  readonly header: ResponseHeader;
  readonly prevKv?: KeyValue;
}

export interface DeleteRangeRequest {
  readonly key: Uint8Array;
  /** Same meaning as RangeRequest.rangeEnd. */
  readonly rangeEnd?: Uint8Array;
  /** Default false. True: the response lists the deleted key-values. */
  readonly prevKv?: boolean;
}

export interface DeleteRangeResponse {
  readonly header: ResponseHeader;
  readonly deleted: number;
  readonly prevKvs: readonly KeyValue[];
}

/** One operation of a transaction branch: etcdserverpb.RequestOp's oneof. */
export type RequestOp =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | { readonly type: 'put'; readonly request: PutRequest }
  | { readonly type: 'deleteRange'; readonly request: DeleteRangeRequest }
  | { readonly type: 'txn'; readonly request: TxnRequest };

export type ResponseOp =
  | { readonly type: 'range'; readonly response: RangeResponse }
  | { readonly type: 'put'; readonly response: PutResponse }
  | { readonly type: 'deleteRange'; readonly response: DeleteRangeResponse }
  | { readonly type: 'txn'; readonly response: TxnResponse };

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/**
 * What a compare tests, with the operand for that target (etcd's target + target_union).
 * A wire compare whose target_union is missing or names another field compares against
 * the zero value of its target's operand, as etcd does.
 */
export type CompareOperand =
  | { readonly target: 'VERSION'; readonly version: number }
  | { readonly target: 'CREATE'; readonly createRevision: number }
  | { readonly target: 'MOD'; readonly modRevision: number }
  | { readonly target: 'VALUE'; readonly value: Uint8Array }
  | { readonly target: 'LEASE'; readonly lease: number };

export type Compare = CompareOperand & {
  readonly result: CompareResult;
  readonly key: Uint8Array;
  /** Omitted or empty: compare `key` alone; otherwise every key in [key, rangeEnd). */
  readonly rangeEnd?: Uint8Array;
};

export interface TxnRequest {
  readonly compare: readonly Compare[];
  readonly success: readonly RequestOp[];
  readonly failure: readonly RequestOp[];
}

export interface TxnResponse {
  readonly header: ResponseHeader;
  /** True when every compare held and `success` ran; false when `failure` ran. */
  readonly succeeded: boolean;
  readonly responses: readonly ResponseOp[];
}

export interface CompactionRequest {
  /** Compact every revision below this one. */
  readonly revision: number;
  /** Default false. True: answer only once the compaction is physically applied. */
  readonly physical?: boolean;
}

export interface CompactionResponse {
  readonly header: ResponseHeader;
}

/** WatchCreateRequest.FilterType: events the watcher does not want. */
export type WatchFilter = 'NOPUT' | 'NODELETE';

export interface WatchCreateRequest {
  /** An empty key means "\0", the smallest key, as etcd reads it (no empty-key error here). */
  readonly key: Uint8Array;
  /** Same meaning as RangeRequest.rangeEnd. */
  readonly rangeEnd?: Uint8Array;
  /** First revision to deliver; 0 or omitted means "from the next revision". */
  readonly startRevision?: number;
  /** Default false. True: idle watchers get periodic empty responses with the revision. */
  readonly progressNotify?: boolean;
  readonly filters?: readonly WatchFilter[];
  /** Default false. True: events carry the key's previous value. */
  readonly prevKv?: boolean;
  /** Id the client asks for; 0 or omitted means the server picks one. */
  readonly watchId?: number;
  /** Default false. True: large event batches may be split across responses. */
  readonly fragment?: boolean;
}

/** One message a client sends on a Watch stream: etcdserverpb.WatchRequest's oneof. */
export type WatchRequest =
  | { readonly type: 'create'; readonly request: WatchCreateRequest }
  | { readonly type: 'cancel'; readonly watchId: number }
  | { readonly type: 'progress' };

export interface WatchResponse {
  readonly header: ResponseHeader;
  readonly watchId: number;
  /** True on the one response that acknowledges a create request. */
  readonly created: boolean;
  /** True on the one response that ends a watcher (client cancel, or server side). */
  readonly canceled: boolean;
  /**
   * Set when the watcher asked for a revision that has been compacted: the watcher is
   * canceled and this is the compaction revision. 0 otherwise.
   */
  readonly compactRevision: number;
  /** Why the server canceled the watcher; empty otherwise. */
  readonly cancelReason: string;
  /** True when more responses follow that belong to the same revision batch. */
  readonly fragment: boolean;
  readonly events: readonly Event[];
}
