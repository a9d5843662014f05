// The server's own bounds and cancellations, with services that hold requests open:
// keep-alives beyond keepAlivePendingMax end the stream with "too many requests", and a
// client giving up on Lock aborts the node's wait.

import * as grpc from '@grpc/grpc-js';
import { afterEach, expect, test } from 'vitest';
import { type EtcdGrpcServer, startEtcdGrpcServer } from './grpc-server.js';
import type { LockOptions } from './service.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';
import { EtcdTestClients, waitFor } from './testing/grpc-test-client.js';
import type { LeaseKeepAliveResponse, LockRequest, LockResponse } from './types.js';

/** Keep-alives and locks that stay pending until the test lets them go. */
class StallingService extends FakeEtcdService {
  readonly abortedLocks = new Set<() => void>();

  override leaseKeepAlive(): Promise<LeaseKeepAliveResponse> {
    return new Promise(() => {});
  }

  override lock(_request: LockRequest, options?: LockOptions): Promise<LockResponse> {
    return new Promise((_resolve, reject) => {
      options?.signal?.addEventListener('abort', () => {
        for (const listener of this.abortedLocks) listener();
        reject(new Error('aborted'));
      });
    });
  }
}

let server: EtcdGrpcServer | undefined;
let clients: EtcdTestClients | undefined;

afterEach(() => {
  clients?.close();
  server?.close();
});

async function start(service: FakeEtcdService, keepAlivePendingMax: number) {
  server = await startEtcdGrpcServer(service, { port: 0, keepAlivePendingMax });
  clients = new EtcdTestClients(`127.0.0.1:${server.port}`);
  return clients;
}

test('leaseKeepAliveHandler() ends a stream with more than keepAlivePendingMax renewals waiting', async () => {
  const connected = await start(new StallingService(), 2);
  const stream = connected.client('Lease').LeaseKeepAlive?.() as grpc.ClientDuplexStream<unknown, unknown>;
  const ended = waitFor<grpc.ServiceError>(
    (listener) => stream.on('error', listener),
    () => true,
  );
  for (const id of [1, 2, 3]) stream.write({ ID: id });
  const error = await ended;
  expect(error.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  expect(error.details).toBe('etcdserver: too many requests');
});

test('startEtcdGrpcServer() aborts the lock wait when the client gives up', async () => {
  const service = new StallingService();
  const connected = await start(service, 16);
  const aborted = waitFor<void>(
    (listener) => service.abortedLocks.add(listener),
    () => true,
  );
  const outcome = await connected.unary('Lock', 'Lock', { name: Buffer.from('m'), lease: 1 }, 200);
  expect(outcome).toMatchObject({ type: 'error', code: grpc.status.DEADLINE_EXCEEDED });
  await aborted;
});
