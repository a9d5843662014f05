// Raw gRPC clients for etcd's services, built from the same .proto files the server
// loads, for tests of the API layer: they send wire objects exactly as given (etcd field
// names) and hand back wire objects, so a test sees what any etcd client would see.
// Test support over a real loopback network: a hung server must fail the test in bounded
// time, so calls carry wall-clock deadlines and waits run on the real process clock.

import * as grpc from '@grpc/grpc-js';
import { ProcessClock, wallClockDeadline } from '../../ports/process-clock.js';
import { loadEtcdProtos } from '../proto-files.js';

type ClientConstructor = new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client;

export type ServiceName = 'KV' | 'Watch' | 'Lease' | 'Cluster' | 'Maintenance' | 'Auth' | 'Lock';

export type UnaryOutcome =
  | { readonly type: 'ok'; readonly response: Record<string, unknown> }
  | { readonly type: 'error'; readonly code: number; readonly details: string };

export class EtcdTestClients {
  private readonly clients = new Map<ServiceName, grpc.Client>();

  constructor(readonly address: string) {
    const loaded = grpc.loadPackageDefinition(loadEtcdProtos()) as unknown as Record<
      string,
      Record<string, ClientConstructor>
    >;
    const names: ServiceName[] = ['KV', 'Watch', 'Lease', 'Cluster', 'Maintenance', 'Auth'];
    for (const name of names) {
      const Client = loaded.etcdserverpb?.[name];
      if (Client === undefined) throw new Error(`etcdserverpb.${name} is missing from the protos`);
      this.clients.set(name, new Client(address, grpc.credentials.createInsecure()));
    }
    const Lock = loaded.v3lockpb?.Lock;
    if (Lock === undefined) throw new Error('v3lockpb.Lock is missing from the protos');
    this.clients.set('Lock', new Lock(address, grpc.credentials.createInsecure()));
  }

  client(service: ServiceName): grpc.Client & Record<string, (...args: unknown[]) => unknown> {
    const client = this.clients.get(service);
    if (client === undefined) throw new Error(`no client for ${service}`);
    return client as grpc.Client & Record<string, (...args: unknown[]) => unknown>;
  }

  /** One unary call with a deadline, as an outcome instead of a callback. */
  unary(service: ServiceName, method: string, request: unknown, timeoutMs = 5000): Promise<UnaryOutcome> {
    const client = this.client(service);
    const deadline = wallClockDeadline(timeoutMs);
    return new Promise((resolve) => {
      const invoke = client[method];
      if (invoke === undefined) throw new Error(`${service} has no method ${method}`);
      invoke.call(
        client,
        request,
        { deadline },
        (error: grpc.ServiceError | null, response: Record<string, unknown>) =>
          resolve(
            error === null
              ? { type: 'ok', response }
              : { type: 'error', code: error.code, details: error.details },
          ),
      );
    });
  }

  /** Like `unary`, but a failure is thrown, for calls a test expects to succeed. */
  async ok(service: ServiceName, method: string, request: unknown): Promise<Record<string, unknown>> {
    const outcome = await this.unary(service, method, request);
    if (outcome.type === 'error') throw new Error(`${method} failed: ${outcome.code} ${outcome.details}`);
    return outcome.response;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}

/** Resolves with the first value `take` accepts from `values`, or rejects after timeoutMs. */
export function waitFor<T>(
  subscribe: (listener: (value: T) => void) => void,
  accept: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = new ProcessClock().setTimer(timeoutMs, () =>
      reject(new Error(`no matching value within ${timeoutMs} ms`)),
    );
    subscribe((value) => {
      if (accept(value)) {
        timer.cancel();
        resolve(value);
      }
    });
  });
}
