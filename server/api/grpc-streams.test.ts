// The bidirectional streams over loopback against the FakeEtcdService: several watchers
// on one Watch stream told apart by watch id, events, cancellation, the etcd answer to a
// create it cannot read, and the keep-alive stream answering in order (TTL 0 for an
// unknown lease, as etcd does).

import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type EtcdGrpcServer, startEtcdGrpcServer } from './grpc-server.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';
import { EtcdTestClients, waitFor } from './testing/grpc-test-client.js';

type Wire = Record<string, unknown>;
type Duplex = grpc.ClientDuplexStream<Wire, Wire>;

const bytes = (text: string) => Buffer.from(text);

let service: FakeEtcdService;
let server: EtcdGrpcServer;
let clients: EtcdTestClients;
const openStreams: Duplex[] = [];

beforeEach(async () => {
  service = new FakeEtcdService();
  server = await startEtcdGrpcServer(service, { port: 0 });
  clients = new EtcdTestClients(`127.0.0.1:${server.port}`);
});

afterEach(() => {
  for (const stream of openStreams.splice(0)) stream.cancel();
  clients.close();
  server.close();
});

/** Opens a stream and records every message it receives, for `next` to wait on. */
function open(serviceName: 'Watch' | 'Lease', method: string) {
  const stream = clients.client(serviceName)[method]?.() as Duplex;
  openStreams.push(stream);
  const received: Wire[] = [];
  const listeners = new Set<(message: Wire) => void>();
  stream.on('data', (message: Wire) => {
    received.push(message);
    for (const listener of listeners) listener(message);
  });
  stream.on('error', () => {});
  let consumed = 0;
  const next = async (): Promise<Wire> => {
    const index = consumed++;
    const existing = received[index];
    if (existing !== undefined) return existing;
    await waitFor<Wire>(
      (listener) => listeners.add(listener),
      () => received.length > index,
    );
    return received[index] as Wire;
  };
  return { stream, next };
}

test('watchHandler() multiplexes watchers, delivers events with prev_kv and cancels by id', async () => {
  const { stream, next } = open('Watch', 'Watch');
  stream.write({ create_request: { key: bytes('a'), prev_kv: true } });
  expect(await next()).toMatchObject({ watch_id: '0', created: true });
  stream.write({ create_request: { key: bytes('b'), range_end: bytes('c') } });
  expect(await next()).toMatchObject({ watch_id: '1', created: true });

  await clients.ok('KV', 'Put', { key: bytes('a'), value: bytes('1') });
  await clients.ok('KV', 'Put', { key: bytes('a'), value: bytes('2') });
  await clients.ok('KV', 'Put', { key: bytes('bb'), value: bytes('3') });
  const first = await next();
  expect(first).toMatchObject({
    watch_id: '0',
    events: [{ type: 'PUT', kv: { key: bytes('a'), value: bytes('1') } }],
  });
  const second = await next();
  expect(second).toMatchObject({
    watch_id: '0',
    events: [{ kv: { value: bytes('2') }, prev_kv: { value: bytes('1') } }],
  });
  expect(await next()).toMatchObject({
    watch_id: '1',
    events: [{ kv: { key: bytes('bb'), mod_revision: '4' } }],
  });

  stream.write({ cancel_request: { watch_id: 0 } });
  expect(await next()).toMatchObject({ watch_id: '0', canceled: true });
  await clients.ok('KV', 'DeleteRange', { key: bytes('a'), range_end: bytes('z') });
  expect(await next()).toMatchObject({
    watch_id: '1',
    events: [{ type: 'DELETE', kv: { key: bytes('bb') } }],
  });
});

test('watchHandler() answers an unreadable create with created+canceled and a reason, and keeps the stream', async () => {
  const { stream, next } = open('Watch', 'Watch');
  stream.write({ create_request: { key: bytes('a'), start_revision: '9007199254740993' } });
  const refused = await next();
  expect(refused).toMatchObject({ watch_id: '-1', created: true, canceled: true });
  expect(refused.cancel_reason).toContain('start_revision');
  stream.write({ create_request: { key: bytes('a') } });
  expect(await next()).toMatchObject({ created: true, canceled: false });
});

test('watchHandler() closes the service-side stream when the client goes away', async () => {
  const { stream, next } = open('Watch', 'Watch');
  stream.write({ create_request: { key: bytes('a') } });
  await next();
  expect(service.watcherCount).toBe(1);
  const closed = waitFor<void>(
    (listener) => service.streamCloseListeners.add(listener),
    () => true,
  );
  stream.cancel();
  await closed;
  expect(service.watcherCount).toBe(0);
});

test('leaseKeepAliveHandler() answers each renewal in order, with TTL 0 for an unknown lease', async () => {
  await clients.ok('Lease', 'LeaseGrant', { TTL: 20, ID: 7 });
  await clients.ok('Lease', 'LeaseGrant', { TTL: 40, ID: 8 });
  const { stream, next } = open('Lease', 'LeaseKeepAlive');
  for (const id of [7, 8, 99, 7]) stream.write({ ID: id });
  const answers = [await next(), await next(), await next(), await next()];
  expect(answers.map((answer) => [answer.ID, answer.TTL])).toEqual([
    ['7', '20'],
    ['8', '40'],
    ['99', '0'],
    ['7', '20'],
  ]);
  expect(answers[0]?.header).toMatchObject({ member_id: '66' });
});

test('EtcdGrpcServer.shutdown() ends open watch streams with "server stopped" and then resolves', async () => {
  const { stream, next } = open('Watch', 'Watch');
  stream.write({ create_request: { key: bytes('a') } });
  await next();
  const ended = waitFor<grpc.ServiceError>(
    (listener) => stream.on('error', listener),
    () => true,
  );
  await server.shutdown();
  const error = await ended;
  expect(error.code).toBe(grpc.status.UNAVAILABLE);
  expect(error.details).toBe('etcdserver: server stopped');
  expect(service.watcherCount).toBe(0);
});
