// The workload client for real clusters: etcd's v3 gRPC API over @grpc/grpc-js, built
// from the project's .proto files, so it talks to etcd-ts and to real etcd alike. Each
// call carries a deadline; nothing is ever retried (gRPC retries are switched off), so
// a request is sent at most once and its outcome is classified by outcome.ts.
// Real-mode code: gRPC deadlines are wall-clock instants (wallClockDeadline).

import * as grpc from '@grpc/grpc-js';
import { EtcdError, etcdErrorFromMessage } from '../server/api/errors.js';
import { loadEtcdProtos } from '../server/api/proto-files.js';
import type * as api from '../server/api/types.js';
import { requirePositiveInteger } from '../server/config-error.js';
import { wallClockDeadline } from '../server/ports/process-clock.js';
import {
  ClientError,
  type DeleteRangeResponse,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseId,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  type LeaseRevokeRequest,
  type LockRequest,
  noLease,
  type PutRequest,
  type PutResponse,
  type RangeResponse,
  type RequestOptions,
  requestTimeoutMsDefault,
  type TxnRequest,
  type TxnResponse,
  type WatchStream,
  type WatchStreamHandlers,
  type WorkloadClient,
} from './client.js';
import {
  decodeBytes,
  decodeDeleteRange,
  decodeHeader,
  decodeInteger,
  decodeLeaseId,
  decodePut,
  decodeRange,
  decodeStatus,
  decodeTxn,
  decodeWatchResponse,
  encodeDeleteRange,
  encodePut,
  encodeRange,
  encodeTxn,
  encodeWatchRequest,
  type Wire,
} from './grpc-wire.js';

type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Maintenance' | 'Lock';
type Callback = (error: grpc.ServiceError | null, response: Wire) => void;
type UnaryMethod = (
  request: Wire,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: Callback,
) => void;
type StreamMethod = (
  metadata?: grpc.Metadata,
  options?: grpc.CallOptions,
) => grpc.ClientDuplexStream<Wire, Wire>;
type GrpcServiceClient = grpc.Client & Record<string, unknown>;
type ClientConstructor = new (
  address: string,
  credentials: grpc.ChannelCredentials,
  options: object,
) => grpc.Client;

/** gRPC statuses that say no connection was made: the request never left the client. */
const notSentPattern =
  /No connection established|ECONNREFUSED|Name resolution failed|Channel has been shut down/;

/** Turns a gRPC error into etcd's catalogued error or the client's own reason. */
export function requestErrorOf(error: grpc.ServiceError, method: string): EtcdError | ClientError {
  const known = etcdErrorFromMessage(error.details);
  if (known !== undefined) return known;
  const message = `${method}: ${error.code} ${error.details}`;
  if (error.code === grpc.status.DEADLINE_EXCEEDED) return new ClientError('timeout', message);
  if (error.code === grpc.status.UNAVAILABLE) {
    return notSentPattern.test(error.details)
      ? new ClientError('connect-failed', message, { sent: false, code: error.code })
      : new ClientError('connection-lost', message, { sent: true, code: error.code });
  }
  if (error.code === grpc.status.CANCELLED) return new ClientError('connection-lost', message);
  return new ClientError('status', message, { sent: true, code: error.code });
}

/** LeaseTimeToLive's answer with the id exact; ttlSeconds is -1 once the lease is gone. */
export type LeaseTimeToLive = Omit<api.LeaseTimeToLiveResponse, 'id'> & { readonly id: LeaseId };

export interface GrpcClientOptions {
  /** Default 5000 ms (Jepsen's etcd client). */
  readonly timeoutMsDefault?: number;
}

export class GrpcClient implements WorkloadClient {
  private readonly clients = new Map<ServiceName, GrpcServiceClient>();
  private readonly timeoutMsDefault: number;
  private closed = false;

  /** `address` is host:port of one etcd member's client URL. */
  constructor(
    readonly address: string,
    options: GrpcClientOptions = {},
  ) {
    this.timeoutMsDefault = options.timeoutMsDefault ?? requestTimeoutMsDefault;
    requirePositiveInteger('timeoutMsDefault', this.timeoutMsDefault);
    const loaded = grpc.loadPackageDefinition(loadEtcdProtos()) as unknown as Record<
      string,
      Record<string, ClientConstructor>
    >;
    const channelOptions = { 'grpc.enable_retries': 0 };
    const credentials = grpc.credentials.createInsecure();
    for (const name of ['KV', 'Watch', 'Lease', 'Maintenance'] as const) {
      const Client = loaded.etcdserverpb?.[name];
      if (Client === undefined) throw new Error(`etcdserverpb.${name} is missing from the protos`);
      this.clients.set(name, new Client(address, credentials, channelOptions) as GrpcServiceClient);
    }
    const Lock = loaded.v3lockpb?.Lock;
    if (Lock === undefined) throw new Error('v3lockpb.Lock is missing from the protos');
    this.clients.set('Lock', new Lock(address, credentials, channelOptions) as GrpcServiceClient);
  }

  private service(name: ServiceName): GrpcServiceClient {
    const client = this.clients.get(name);
    if (client === undefined) throw new Error(`no ${name} client`);
    return client;
  }

  private deadline(options: RequestOptions | undefined): Date {
    return wallClockDeadline(options?.timeoutMs ?? this.timeoutMsDefault);
  }

  private unary(
    service: ServiceName,
    method: string,
    request: Wire,
    options: RequestOptions | undefined,
  ): Promise<Wire> {
    if (this.closed)
      return Promise.reject(new ClientError('closed', `${method}: client is closed`, { sent: false }));
    const client = this.service(service);
    const call = client[method] as UnaryMethod;
    return new Promise((resolve, reject) => {
      call.call(
        client,
        request,
        new grpc.Metadata(),
        { deadline: this.deadline(options) },
        (error, response) => {
          if (error) reject(requestErrorOf(error, method));
          else resolve(response);
        },
      );
    });
  }

  async range(request: api.RangeRequest, options?: RequestOptions): Promise<RangeResponse> {
    return decodeRange(await this.unary('KV', 'Range', encodeRange(request), options));
  }

  async put(request: PutRequest, options?: RequestOptions): Promise<PutResponse> {
    return decodePut(await this.unary('KV', 'Put', encodePut(request), options));
  }

  async deleteRange(request: api.DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse> {
    return decodeDeleteRange(await this.unary('KV', 'DeleteRange', encodeDeleteRange(request), options));
  }

  async txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    return decodeTxn(await this.unary('KV', 'Txn', encodeTxn(request), options));
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    if (this.closed) throw new ClientError('closed', 'watch: client is closed', { sent: false });
    const client = this.service('Watch');
    const stream = (client.Watch as StreamMethod).call(client);
    let open = true;
    stream.on('data', (wire: Wire) => {
      if (open) handlers.onResponse(decodeWatchResponse(wire));
    });
    const end = (error?: grpc.ServiceError): void => {
      if (!open) return;
      open = false;
      const known = error === undefined ? undefined : requestErrorOf(error, 'Watch');
      handlers.onEnd(known instanceof EtcdError ? known : undefined);
    };
    stream.on('error', (error: grpc.ServiceError) => end(error));
    stream.on('end', () => end());
    return {
      send: (request) => {
        if (!open) throw new ClientError('closed', 'watch: stream is closed', { sent: false });
        stream.write(encodeWatchRequest(request));
      },
      close: () => {
        open = false;
        stream.cancel();
      },
    };
  }

  async leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    const wire = await this.unary(
      'Lease',
      'LeaseGrant',
      { TTL: request.ttlSeconds, ID: request.id ?? noLease },
      options,
    );
    return {
      header: decodeHeader(wire.header),
      id: decodeLeaseId(wire.ID),
      ttlSeconds: decodeInteger(wire.TTL),
      error: typeof wire.error === 'string' ? wire.error : '',
    };
  }

  /** One renewal over its own LeaseKeepAlive stream: send the id, take one answer, close. */
  leaseKeepAlive(request: LeaseKeepAliveRequest, options?: RequestOptions): Promise<LeaseKeepAliveResponse> {
    if (this.closed) {
      return Promise.reject(new ClientError('closed', 'LeaseKeepAlive: client is closed', { sent: false }));
    }
    const client = this.service('Lease');
    const stream = (client.LeaseKeepAlive as StreamMethod).call(client, new grpc.Metadata(), {
      deadline: this.deadline(options),
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      stream.on('data', (wire: Wire) => {
        if (settled) return;
        settled = true;
        stream.cancel();
        resolve({
          header: decodeHeader(wire.header),
          id: decodeLeaseId(wire.ID),
          ttlSeconds: decodeInteger(wire.TTL),
        });
      });
      stream.on('error', (error: grpc.ServiceError) => {
        if (settled) return;
        settled = true;
        reject(requestErrorOf(error, 'LeaseKeepAlive'));
      });
      stream.on('end', () => {
        if (settled) return;
        settled = true;
        reject(new ClientError('connection-lost', 'LeaseKeepAlive: stream ended without an answer'));
      });
      stream.write({ ID: request.id });
    });
  }

  async leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<api.LeaseRevokeResponse> {
    const wire = await this.unary('Lease', 'LeaseRevoke', { ID: request.id }, options);
    return { header: decodeHeader(wire.header) };
  }

  /**
   * A lease's remaining life. Not part of `WorkloadClient` (no workload asks); tests and
   * tools use it to see a lease from the server's side.
   */
  async leaseTimeToLive(
    request: { readonly id: LeaseId; readonly keys?: boolean },
    options?: RequestOptions,
  ): Promise<LeaseTimeToLive> {
    const wire = await this.unary(
      'Lease',
      'LeaseTimeToLive',
      { ID: request.id, keys: request.keys ?? false },
      options,
    );
    return {
      header: decodeHeader(wire.header),
      id: decodeLeaseId(wire.ID),
      ttlSeconds: decodeInteger(wire.TTL),
      grantedTtlSeconds: decodeInteger(wire.grantedTTL),
      keys: Array.isArray(wire.keys) ? wire.keys.map(decodeBytes) : [],
    };
  }

  async lock(request: LockRequest, options?: RequestOptions): Promise<api.LockResponse> {
    const wire = await this.unary('Lock', 'Lock', { name: request.name, lease: request.lease }, options);
    return { header: decodeHeader(wire.header), key: decodeBytes(wire.key) };
  }

  async unlock(request: api.UnlockRequest, options?: RequestOptions): Promise<api.UnlockResponse> {
    const wire = await this.unary('Lock', 'Unlock', { key: request.key }, options);
    return { header: decodeHeader(wire.header) };
  }

  async status(options?: RequestOptions): Promise<api.StatusResponse> {
    return decodeStatus(await this.unary('Maintenance', 'Status', {}, options));
  }

  close(): void {
    this.closed = true;
    for (const client of this.clients.values()) client.close();
  }
}
