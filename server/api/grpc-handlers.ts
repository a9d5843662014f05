// The gRPC method handlers of etcd-ts's client API, one builder per etcd service: each
// unary handler decodes the wire request, applies etcd's API-layer checks, calls the
// EtcdService and encodes its answer; failures become statuses through `toStatus`.
// The streaming methods come from grpc-streams.ts.

import type * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { EtcdError } from './errors.js';
import { leaseKeepAliveHandler, type StreamContext, snapshotHandler, watchHandler } from './grpc-streams.js';
import { loadEtcdProtos } from './proto-files.js';
import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
} from './request-validation.js';
import type { EtcdService } from './service.js';
import {
  decodeAlarmRequest,
  decodeDeleteRangeRequest,
  decodeId,
  decodeLockRequest,
  decodeMemberAddRequest,
  decodeMemberUpdateRequest,
  decodePutRequest,
  decodeRangeRequest,
  decodeTxnRequest,
  decodeUnlockKey,
} from './wire-decode.js';
import {
  encodeAlarmResponse,
  encodeDeleteRangeResponse,
  encodeHeader,
  encodeHeaderOnly,
  encodeLeaseTimeToLiveResponse,
  encodeMember,
  encodeMembers,
  encodePutResponse,
  encodeRangeResponse,
  encodeStatusResponse,
  encodeTxnResponse,
  type WireResponse,
} from './wire-encode.js';
import { readBool, readInteger, type WireObject } from './wire-fields.js';

export interface HandlerContext extends StreamContext {
  readonly requestBytesMax: number;
  readonly txnOpsMax: number;
  /** Encoded size of each decoded request, recorded as it was deserialized. */
  readonly sizes: WeakMap<object, number>;
}

type UnaryRun = (
  request: WireObject,
  call: grpc.ServerUnaryCall<WireObject, WireResponse>,
) => Promise<WireResponse>;

function unary(
  method: string,
  context: HandlerContext,
  run: UnaryRun,
): grpc.handleUnaryCall<WireObject, WireResponse> {
  return (call, callback) => {
    Promise.resolve()
      .then(() => run(call.request ?? {}, call))
      .then(
        (response) => callback(null, response),
        (error: unknown) => callback(context.toStatus(error, method)),
      )
      // grpc-js failing to send is reported, never left as an unhandled rejection.
      .catch((error: unknown) => context.toStatus(error, method));
  };
}

/** etcd refuses a write whose encoded request is over --max-request-bytes. */
function checkSize(context: HandlerContext, request: WireObject): void {
  if ((context.sizes.get(request) ?? 0) > context.requestBytesMax) throw EtcdError.of('requestTooLarge');
}

function unimplementedService(
  definition: ServiceDefinition,
  context: HandlerContext,
): grpc.UntypedServiceImplementation {
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const name of Object.keys(definition)) {
    implementation[name] = unary(name, context, async () => {
      throw EtcdError.unimplemented(name);
    });
  }
  return implementation;
}

export function serviceHandlers(
  service: EtcdService,
  context: HandlerContext,
): Record<string, grpc.UntypedServiceImplementation> {
  const auth = loadEtcdProtos()['etcdserverpb.Auth'] as ServiceDefinition;
  return {
    'etcdserverpb.KV': kvHandlers(service, context),
    'etcdserverpb.Watch': { Watch: watchHandler(service, context) },
    'etcdserverpb.Lease': leaseHandlers(service, context),
    'etcdserverpb.Cluster': clusterHandlers(service, context),
    'etcdserverpb.Maintenance': maintenanceHandlers(service, context),
    'etcdserverpb.Auth': unimplementedService(auth, context),
    'v3lockpb.Lock': lockHandlers(service, context),
  };
}

function kvHandlers(service: EtcdService, context: HandlerContext): grpc.UntypedServiceImplementation {
  return {
    Range: unary('Range', context, async (wire) => {
      const request = decodeRangeRequest(wire);
      checkRangeRequest(request);
      return encodeRangeResponse(await service.range(request));
    }),
    Put: unary('Put', context, async (wire) => {
      const request = decodePutRequest(wire);
      checkPutRequest(request);
      checkSize(context, wire);
      return encodePutResponse(await service.put(request));
    }),
    DeleteRange: unary('DeleteRange', context, async (wire) => {
      const request = decodeDeleteRangeRequest(wire);
      checkDeleteRangeRequest(request);
      checkSize(context, wire);
      return encodeDeleteRangeResponse(await service.deleteRange(request));
    }),
    Txn: unary('Txn', context, async (wire) => {
      const request = decodeTxnRequest(wire);
      checkTxnRequest(request, context.txnOpsMax);
      checkSize(context, wire);
      return encodeTxnResponse(await service.txn(request));
    }),
    Compact: unary('Compact', context, async (wire) => {
      const request = {
        revision: readInteger(wire, 'revision', 'CompactionRequest'),
        physical: readBool(wire, 'physical', 'CompactionRequest'),
      };
      return encodeHeaderOnly(await service.compact(request));
    }),
  };
}

function leaseHandlers(service: EtcdService, context: HandlerContext): grpc.UntypedServiceImplementation {
  return {
    LeaseGrant: unary('LeaseGrant', context, async (wire) => {
      const request = {
        ttlSeconds: readInteger(wire, 'TTL', 'LeaseGrantRequest'),
        id: decodeId(wire, 'LeaseGrantRequest'),
      };
      const response = await service.leaseGrant(request);
      return {
        header: encodeHeader(response.header),
        ID: response.id,
        TTL: response.ttlSeconds,
        error: response.error,
      };
    }),
    LeaseRevoke: unary('LeaseRevoke', context, async (wire) =>
      encodeHeaderOnly(await service.leaseRevoke({ id: decodeId(wire, 'LeaseRevokeRequest') })),
    ),
    LeaseKeepAlive: leaseKeepAliveHandler(service, context),
    LeaseTimeToLive: unary('LeaseTimeToLive', context, async (wire) => {
      const request = {
        id: decodeId(wire, 'LeaseTimeToLiveRequest'),
        keys: readBool(wire, 'keys', 'LeaseTimeToLiveRequest'),
      };
      return encodeLeaseTimeToLiveResponse(await service.leaseTimeToLive(request));
    }),
    LeaseLeases: unary('LeaseLeases', context, async () => {
      const response = await service.leaseLeases();
      return {
        header: encodeHeader(response.header),
        leases: response.leases.map((lease) => ({ ID: lease.id })),
      };
    }),
  };
}

function clusterHandlers(service: EtcdService, context: HandlerContext): grpc.UntypedServiceImplementation {
  return {
    MemberAdd: unary('MemberAdd', context, async (wire) => {
      const response = await service.memberAdd(decodeMemberAddRequest(wire));
      return { ...encodeMembers(response), member: encodeMember(response.member) };
    }),
    MemberRemove: unary('MemberRemove', context, async (wire) =>
      encodeMembers(await service.memberRemove({ id: decodeId(wire, 'MemberRemoveRequest') })),
    ),
    MemberUpdate: unary('MemberUpdate', context, async (wire) =>
      encodeMembers(await service.memberUpdate(decodeMemberUpdateRequest(wire))),
    ),
    MemberList: unary('MemberList', context, async (wire) =>
      encodeMembers(
        await service.memberList({ linearizable: readBool(wire, 'linearizable', 'MemberListRequest') }),
      ),
    ),
    MemberPromote: unary('MemberPromote', context, async (wire) =>
      encodeMembers(await service.memberPromote({ id: decodeId(wire, 'MemberPromoteRequest') })),
    ),
  };
}

function maintenanceHandlers(
  service: EtcdService,
  context: HandlerContext,
): grpc.UntypedServiceImplementation {
  return {
    Alarm: unary('Alarm', context, async (wire) =>
      encodeAlarmResponse(await service.alarm(decodeAlarmRequest(wire))),
    ),
    Status: unary('Status', context, async () => encodeStatusResponse(await service.status())),
    Defragment: unary('Defragment', context, async () => encodeHeaderOnly(await service.defragment())),
    Hash: unary('Hash', context, async () => {
      const response = await service.hash();
      return { header: encodeHeader(response.header), hash: response.hash };
    }),
    HashKV: unary('HashKV', context, async (wire) => {
      const response = await service.hashKv({ revision: readInteger(wire, 'revision', 'HashKVRequest') });
      return {
        header: encodeHeader(response.header),
        hash: response.hash,
        compact_revision: response.compactRevision,
      };
    }),
    Snapshot: snapshotHandler(service, context),
    MoveLeader: unary('MoveLeader', context, async () => {
      throw EtcdError.unimplemented('MoveLeader');
    }),
    Downgrade: unary('Downgrade', context, async () => {
      throw EtcdError.unimplemented('Downgrade');
    }),
  };
}

function lockHandlers(service: EtcdService, context: HandlerContext): grpc.UntypedServiceImplementation {
  return {
    Lock: unary('Lock', context, async (wire, call) => {
      const abort = new AbortController();
      call.on('cancelled', () => abort.abort());
      const response = await service.lock(decodeLockRequest(wire), { signal: abort.signal });
      return { header: encodeHeader(response.header), key: response.key };
    }),
    Unlock: unary('Unlock', context, async (wire) =>
      encodeHeaderOnly(await service.unlock({ key: decodeUnlockKey(wire) })),
    ),
  };
}
