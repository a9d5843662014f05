// etcd-ts's client-facing gRPC server: serves etcd's KV, Watch, Lease, Cluster,
// Maintenance, Auth and v3lock Lock services from our .proto files with @grpc/grpc-js,
// decoding each request into the domain types, checking it as etcd's API layer does,
// calling the EtcdService, and encoding the answer. An EtcdError becomes its gRPC status
// with etcd's exact message; any other exception becomes INTERNAL for that call only,
// so a bad request or a bug in one handler never takes the process down.

import * as grpc from '@grpc/grpc-js';
import type { ServiceDefinition } from '@grpc/proto-loader';
import { ConfigError, requirePositiveInteger } from '../config-error.js';
import { EtcdError } from './errors.js';
import { serviceHandlers } from './grpc-handlers.js';
import { OpenStreams, type ToStatus } from './grpc-streams.js';
import { loadEtcdProtos } from './proto-files.js';
import { grpcOverheadBytes, requestBytesMaxDefault, txnOpsMaxDefault } from './request-validation.js';
import type { EtcdService } from './service.js';

export interface GrpcServerOptions {
  /** Interface to listen on. Default '127.0.0.1'. */
  readonly host?: string;
  /** TCP port; 0 picks a free one (see `EtcdGrpcServer.port`). Default 2379. */
  readonly port?: number;
  /** etcd's --max-request-bytes: larger writes get "request is too large". Default 1.5 MiB. */
  readonly requestBytesMax?: number;
  /** etcd's --max-txn-ops. Default 128. */
  readonly txnOpsMax?: number;
  /** Unanswered keep-alives one stream may have in flight. Default 1024. */
  readonly keepAlivePendingMax?: number;
  /** Watch responses buffered for one slow stream before it is cut off. Default 16384. */
  readonly watchResponsesQueuedMax?: number;
  /** Told about every exception that was not an EtcdError (a bug), e.g. to log it. */
  readonly onInternalError?: (error: unknown, method: string) => void;
}

export interface EtcdGrpcServer {
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /**
   * Stops taking calls, ends every open stream (watch, keep-alive, snapshot) with
   * "etcdserver: server stopped", lets unary calls in flight finish, then resolves.
   */
  shutdown(): Promise<void>;
  /** Stops at once: every open call, streams included, is cut off. */
  close(): void;
}

/** Starts serving `service`; resolves once the port is bound. */
export async function startEtcdGrpcServer(
  service: EtcdService,
  options: GrpcServerOptions = {},
): Promise<EtcdGrpcServer> {
  const settings = resolveOptions(options);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': settings.requestBytesMax + grpcOverheadBytes,
  });
  const sizes = new WeakMap<object, number>();
  const definitions = loadEtcdProtos();
  const toStatus = statusMapper(settings.onInternalError);
  const openStreams = new OpenStreams();
  const handlers = serviceHandlers(service, { ...settings, sizes, toStatus, openStreams });
  for (const [serviceName, implementation] of Object.entries(handlers)) {
    const definition = definitions[serviceName] as ServiceDefinition;
    server.addService(measuredDefinition(definition, sizes), implementation);
  }
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(
      `${settings.host}:${settings.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => {
        if (error === null) return resolve(bound);
        server.forceShutdown();
        reject(error);
      },
    );
  });
  const shutdown = () =>
    new Promise<void>((resolve) => {
      server.tryShutdown(() => resolve());
      openStreams.endAll(toStatus(EtcdError.of('stopped'), 'shutdown'));
    });
  return { host: settings.host, port, shutdown, close: () => server.forceShutdown() };
}

interface Settings {
  readonly host: string;
  readonly port: number;
  readonly requestBytesMax: number;
  readonly txnOpsMax: number;
  readonly keepAlivePendingMax: number;
  readonly watchResponsesQueuedMax: number;
  readonly onInternalError: (error: unknown, method: string) => void;
}

function resolveOptions(options: GrpcServerOptions): Settings {
  const settings: Settings = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 2379,
    requestBytesMax: options.requestBytesMax ?? requestBytesMaxDefault,
    txnOpsMax: options.txnOpsMax ?? txnOpsMaxDefault,
    keepAlivePendingMax: options.keepAlivePendingMax ?? 1024,
    watchResponsesQueuedMax: options.watchResponsesQueuedMax ?? 16384,
    onInternalError: options.onInternalError ?? (() => {}),
  };
  if (!Number.isInteger(settings.port) || settings.port < 0 || settings.port > 65535) {
    throw new ConfigError('port', settings.port, 'it must be an integer from 0 to 65535');
  }
  if (settings.host.length === 0) throw new ConfigError('host', settings.host, 'it must not be empty');
  requirePositiveInteger('requestBytesMax', settings.requestBytesMax);
  requirePositiveInteger('txnOpsMax', settings.txnOpsMax);
  requirePositiveInteger('keepAlivePendingMax', settings.keepAlivePendingMax);
  requirePositiveInteger('watchResponsesQueuedMax', settings.watchResponsesQueuedMax);
  return settings;
}

function statusMapper(onInternalError: (error: unknown, method: string) => void): ToStatus {
  return (error, method) => {
    if (error instanceof EtcdError) {
      return { code: error.code, details: error.message, metadata: new grpc.Metadata() };
    }
    try {
      onInternalError(error, method);
    } catch {
      // A failing error reporter must not turn one failed call into a crash.
    }
    return {
      code: grpc.status.INTERNAL,
      details: `etcd-ts: internal error in ${method}`,
      metadata: new grpc.Metadata(),
    };
  };
}

/** The definition with each request's encoded size recorded, for the too-large check. */
function measuredDefinition(
  definition: ServiceDefinition,
  sizes: WeakMap<object, number>,
): ServiceDefinition {
  const measured: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(definition)) {
    measured[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        const message = method.requestDeserialize(bytes) as object;
        sizes.set(message, bytes.length);
        return message;
      },
    };
  }
  return measured;
}
