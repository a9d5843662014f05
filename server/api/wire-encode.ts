// Domain -> wire: turns the response types of types.ts into the plain objects
// proto-loader serializes, with etcd's field names. int64 fields go out as numbers
// (exact, since every value is below 2^53); bytes as Uint8Arrays.

import type {
  AlarmResponse,
  DeleteRangeResponse,
  Event,
  KeyValue,
  LeaseTimeToLiveResponse,
  Member,
  PutResponse,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  SnapshotChunk,
  StatusResponse,
  TxnResponse,
  WatchResponse,
} from './types.js';

/** A response as the plain object proto-loader serializes. */
export type WireResponse = Record<string, unknown>;

export function encodeHeader(header: ResponseHeader): WireResponse {
  return {
    cluster_id: header.clusterId,
    member_id: header.memberId,
    revision: header.revision,
    raft_term: header.raftTerm,
  };
}

/** The header every response must carry; used for the few replies the layer makes alone. */
export const emptyHeader: ResponseHeader = { clusterId: 0, memberId: 0, revision: 0, raftTerm: 0 };

export function encodeKeyValue(kv: KeyValue): WireResponse {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease,
  };
}

function encodeEvent(event: Event): WireResponse {
  return {
    type: event.type,
    kv: encodeKeyValue(event.kv),
    prev_kv: event.prevKv === undefined ? null : encodeKeyValue(event.prevKv),
  };
}

export function encodeRangeResponse(response: RangeResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    kvs: response.kvs.map(encodeKeyValue),
    more: response.more,
    count: response.count,
  };
}

export function encodePutResponse(response: PutResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    prev_kv: response.prevKv === undefined ? null : encodeKeyValue(response.prevKv),
  };
}

export function encodeDeleteRangeResponse(response: DeleteRangeResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    deleted: response.deleted,
    prev_kvs: response.prevKvs.map(encodeKeyValue),
  };
}

function encodeResponseOp(op: ResponseOp): WireResponse {
  switch (op.type) {
    case 'range':
      return { response_range: encodeRangeResponse(op.response) };
    case 'put':
      return { response_put: encodePutResponse(op.response) };
    case 'deleteRange':
      return { response_delete_range: encodeDeleteRangeResponse(op.response) };
    case 'txn':
      return { response_txn: encodeTxnResponse(op.response) };
  }
}

export function encodeTxnResponse(response: TxnResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    succeeded: response.succeeded,
    responses: response.responses.map(encodeResponseOp),
  };
}

export function encodeWatchResponse(response: WatchResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    watch_id: response.watchId,
    created: response.created,
    canceled: response.canceled,
    compact_revision: response.compactRevision,
    cancel_reason: response.cancelReason,
    fragment: response.fragment,
    events: response.events.map(encodeEvent),
  };
}

export function encodeLeaseTimeToLiveResponse(response: LeaseTimeToLiveResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    ID: response.id,
    TTL: response.ttlSeconds,
    grantedTTL: response.grantedTtlSeconds,
    keys: response.keys,
  };
}

export function encodeMember(member: Member): WireResponse {
  return {
    ID: member.id,
    name: member.name,
    peerURLs: member.peerUrls,
    clientURLs: member.clientUrls,
    isLearner: member.isLearner,
  };
}

export function encodeMembers(response: {
  header: ResponseHeader;
  members: readonly Member[];
}): WireResponse {
  return { header: encodeHeader(response.header), members: response.members.map(encodeMember) };
}

export function encodeStatusResponse(response: StatusResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    version: response.version,
    dbSize: response.dbSizeBytes,
    leader: response.leader,
    raftIndex: response.raftIndex,
    raftTerm: response.raftTerm,
    raftAppliedIndex: response.raftAppliedIndex,
    errors: response.errors,
    dbSizeInUse: response.dbSizeInUseBytes,
    isLearner: response.isLearner,
  };
}

export function encodeAlarmResponse(response: AlarmResponse): WireResponse {
  return {
    header: encodeHeader(response.header),
    alarms: response.alarms.map((alarm) => ({ memberID: alarm.memberId, alarm: alarm.alarm })),
  };
}

export function encodeSnapshotChunk(chunk: SnapshotChunk): WireResponse {
  return { header: encodeHeader(chunk.header), remaining_bytes: chunk.remainingBytes, blob: chunk.blob };
}

/** A response that is only a header (revoke, compaction, defragment, unlock...). */
export function encodeHeaderOnly(response: { header: ResponseHeader }): WireResponse {
  return { header: encodeHeader(response.header) };
}
