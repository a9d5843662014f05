// The gRPC server end to end over loopback, against the in-memory FakeEtcdService:
// requests and responses cross the wire intact, errors arrive with etcd's code and
// message, the checks etcd's API layer makes happen before the service is called, and
// the streaming RPCs (Watch, LeaseKeepAlive, Snapshot) behave like etcd's.

import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../config-error.js';
import { etcdErrors } from './errors.js';
import { type EtcdGrpcServer, startEtcdGrpcServer } from './grpc-server.js';
import { requestBytesMaxDefault } from './request-validation.js';
import { unframeSnapshot } from './snapshot-framing.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';
import { EtcdTestClients, waitFor } from './testing/grpc-test-client.js';

const bytes = (text: string) => Buffer.from(text);

let service: FakeEtcdService;
let server: EtcdGrpcServer;
let clients: EtcdTestClients;
let internalErrors: string[];

beforeEach(async () => {
  service = new FakeEtcdService();
  internalErrors = [];
  server = await startEtcdGrpcServer(service, {
    port: 0,
    onInternalError: (error, method) => internalErrors.push(`${method}: ${String(error)}`),
  });
  clients = new EtcdTestClients(`127.0.0.1:${server.port}`);
});

afterEach(() => {
  clients.close();
  server.close();
});

describe('startEtcdGrpcServer() unary KV calls', () => {
  test('startEtcdGrpcServer() round-trips put and range with headers, revisions and bytes', async () => {
    const put = await clients.ok('KV', 'Put', { key: bytes('k1'), value: Buffer.from([0, 255, 7]) });
    expect(put.header).toEqual({ cluster_id: '4660', member_id: '66', revision: '2', raft_term: '7' });
    const range = await clients.ok('KV', 'Range', { key: bytes('k1') });
    expect(range.count).toBe('1');
    expect(range.kvs).toEqual([
      {
        key: bytes('k1'),
        value: Buffer.from([0, 255, 7]),
        create_revision: '2',
        mod_revision: '2',
        version: '1',
        lease: '0',
      },
    ]);
  });

  test('startEtcdGrpcServer() passes range options and returns prev_kv on put and delete', async () => {
    for (const key of ['a', 'b', 'c']) await clients.ok('KV', 'Put', { key: bytes(key), value: bytes(key) });
    const limited = await clients.ok('KV', 'Range', { key: bytes('a'), range_end: bytes('z'), limit: 2 });
    expect(limited).toMatchObject({ more: true, count: '3' });
    expect((limited.kvs as unknown[]).length).toBe(2);
    const keysOnly = await clients.ok('KV', 'Range', {
      key: bytes('a'),
      range_end: Buffer.from([0]),
      keys_only: true,
    });
    expect((keysOnly.kvs as { value: Buffer }[]).map((kv) => kv.value.length)).toEqual([0, 0, 0]);
    const put = await clients.ok('KV', 'Put', { key: bytes('a'), value: bytes('A'), prev_kv: true });
    expect((put.prev_kv as { value: Buffer }).value).toEqual(bytes('a'));
    const deleted = await clients.ok('KV', 'DeleteRange', {
      key: bytes('a'),
      range_end: bytes('c'),
      prev_kv: true,
    });
    expect(deleted.deleted).toBe('2');
    expect((deleted.prev_kvs as { key: Buffer }[]).map((kv) => kv.key.toString())).toEqual(['a', 'b']);
  });

  test('startEtcdGrpcServer() runs a compare-and-swap txn with the right branch and oneof responses', async () => {
    await clients.ok('KV', 'Put', { key: bytes('x'), value: bytes('1') });
    const swap = (expected: string) =>
      clients.ok('KV', 'Txn', {
        compare: [{ key: bytes('x'), target: 'VALUE', result: 'EQUAL', value: bytes(expected) }],
        success: [{ request_put: { key: bytes('x'), value: bytes('2') } }],
        failure: [{ request_range: { key: bytes('x') } }],
      });
    const won = await swap('1');
    expect(won.succeeded).toBe(true);
    expect(won.responses).toMatchObject([{ response: 'response_put' }]);
    const lost = await swap('1');
    expect(lost.succeeded).toBe(false);
    const [first] = lost.responses as { response_range: { kvs: { value: Buffer }[] } }[];
    expect(first?.response_range.kvs[0]?.value).toEqual(bytes('2'));
  });

  test('startEtcdGrpcServer() compares on version, mod revision and lease through target_union', async () => {
    await clients.ok('KV', 'Put', { key: bytes('v'), value: bytes('1') });
    const txn = await clients.ok('KV', 'Txn', {
      compare: [
        { key: bytes('v'), target: 'VERSION', result: 'EQUAL', version: 1 },
        { key: bytes('v'), target: 'MOD', result: 'GREATER', mod_revision: 1 },
        { key: bytes('v'), target: 'LEASE', result: 'EQUAL', lease: 0 },
        { key: bytes('absent'), target: 'CREATE', result: 'EQUAL', create_revision: 0 },
      ],
      success: [],
      failure: [],
    });
    expect(txn.succeeded).toBe(true);
  });
});

describe('startEtcdGrpcServer() errors', () => {
  test('startEtcdGrpcServer() maps EtcdErrors to etcd code and exact message', async () => {
    const cases: [string, string, unknown, keyof typeof etcdErrors][] = [
      ['KV', 'Range', { key: bytes('k'), revision: 99 }, 'futureRevision'],
      ['Lease', 'LeaseRevoke', { ID: 12345 }, 'leaseNotFound'],
      ['Cluster', 'MemberRemove', { ID: 9 }, 'memberNotFound'],
      ['KV', 'Put', { key: bytes('k'), value: bytes('v'), lease: 5 }, 'leaseNotFound'],
    ];
    for (const [serviceName, method, request, name] of cases) {
      const outcome = await clients.unary(serviceName as 'KV', method, request);
      expect(outcome, method).toEqual({
        type: 'error',
        code: etcdErrors[name].code,
        details: etcdErrors[name].message,
      });
    }
    expect(etcdErrors.leaseNotFound).toEqual({
      code: grpc.status.NOT_FOUND,
      message: 'etcdserver: requested lease not found',
    });
  });

  test('startEtcdGrpcServer() rejects a missing key with "key is not provided" before calling the service', async () => {
    for (const [method, request] of [
      ['Range', {}],
      ['Put', { value: bytes('v') }],
      ['DeleteRange', {}],
      ['Txn', { success: [{ request_put: { value: bytes('v') } }] }],
    ] as const) {
      const outcome = await clients.unary('KV', method, request);
      expect(outcome, method).toEqual({
        type: 'error',
        code: grpc.status.INVALID_ARGUMENT,
        details: 'etcdserver: key is not provided',
      });
    }
    expect(service.calls.size).toBe(0);
  });

  test('startEtcdGrpcServer() enforces etcd txn limits: 128 ops and no duplicate keys', async () => {
    const put = (key: string) => ({ request_put: { key: bytes(key), value: bytes('v') } });
    const tooMany = Array.from({ length: 129 }, (_, index) => put(`k${index}`));
    expect(await clients.unary('KV', 'Txn', { success: tooMany })).toEqual({
      type: 'error',
      code: grpc.status.INVALID_ARGUMENT,
      details: 'etcdserver: too many operations in txn request',
    });
    const atLimit = await clients.unary('KV', 'Txn', { success: tooMany.slice(0, 128) });
    expect(atLimit.type).toBe('ok');
    const duplicates = [
      [put('d'), put('d')],
      [{ request_delete_range: { key: bytes('a'), range_end: bytes('m') } }, put('c')],
      [put('n'), { request_txn: { failure: [put('n')] } }],
    ];
    for (const success of duplicates) {
      expect(await clients.unary('KV', 'Txn', { success })).toEqual({
        type: 'error',
        code: grpc.status.INVALID_ARGUMENT,
        details: 'etcdserver: duplicate key given in txn request',
      });
    }
  });

  test('startEtcdGrpcServer() answers a write over 1.5 MiB with "request is too large" and a smaller one normally', async () => {
    const big = Buffer.alloc(requestBytesMaxDefault + 1024, 1);
    expect(await clients.unary('KV', 'Put', { key: bytes('big'), value: big })).toEqual({
      type: 'error',
      code: grpc.status.INVALID_ARGUMENT,
      details: 'etcdserver: request is too large',
    });
    const fits = Buffer.alloc(requestBytesMaxDefault - 1024, 1);
    expect((await clients.unary('KV', 'Put', { key: bytes('fits'), value: fits })).type).toBe('ok');
    const huge = Buffer.alloc(requestBytesMaxDefault + 600 * 1024, 1);
    const refused = await clients.unary('KV', 'Put', { key: bytes('huge'), value: huge });
    expect(refused).toMatchObject({ type: 'error', code: grpc.status.RESOURCE_EXHAUSTED });
    expect(service.calls.get('put')).toBe(1);
  });

  test('startEtcdGrpcServer() turns a non-etcd exception into INTERNAL and keeps serving', async () => {
    const outcome = await clients.unary('KV', 'Put', { key: bytes('boom'), value: bytes('v') });
    expect(outcome).toEqual({
      type: 'error',
      code: grpc.status.INTERNAL,
      details: 'etcd-ts: internal error in Put',
    });
    expect(internalErrors).toEqual(['Put: Error: the fake service exploded']);
    expect((await clients.unary('KV', 'Range', { key: bytes('k') })).type).toBe('ok');
  });

  test('startEtcdGrpcServer() rejects int64 values beyond 2^53 and unknown enum values', async () => {
    const beyond = await clients.unary('KV', 'Range', { key: bytes('k'), revision: '9007199254740993' });
    expect(beyond).toMatchObject({ type: 'error', code: grpc.status.INVALID_ARGUMENT });
    const badTarget = await clients.unary('KV', 'Txn', { compare: [{ key: bytes('k'), target: 9 }] });
    expect(badTarget).toMatchObject({ type: 'error', code: grpc.status.INVALID_ARGUMENT });
    expect(service.calls.size).toBe(0);
  });

  test('startEtcdGrpcServer() answers Auth and MoveLeader with UNIMPLEMENTED', async () => {
    expect(await clients.unary('Auth', 'AuthStatus', {})).toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    expect(await clients.unary('Maintenance', 'MoveLeader', { targetID: 1 })).toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  test('startEtcdGrpcServer() refuses options that cannot work with a ConfigError', async () => {
    await expect(startEtcdGrpcServer(service, { port: 70000 })).rejects.toThrow(ConfigError);
    await expect(startEtcdGrpcServer(service, { txnOpsMax: 0 })).rejects.toThrow("'txnOpsMax' = 0");
  });
});

describe('startEtcdGrpcServer() lease, cluster, maintenance and lock', () => {
  test('startEtcdGrpcServer() grants, lists, inspects and revokes a lease', async () => {
    const grant = await clients.ok('Lease', 'LeaseGrant', { TTL: 30 });
    expect(grant).toMatchObject({ ID: '1000', TTL: '30', error: '' });
    await clients.ok('KV', 'Put', { key: bytes('leased'), value: bytes('v'), lease: 1000 });
    const ttl = await clients.ok('Lease', 'LeaseTimeToLive', { ID: 1000, keys: true });
    expect(ttl).toMatchObject({ ID: '1000', TTL: '30', grantedTTL: '30', keys: [bytes('leased')] });
    expect(await clients.ok('Lease', 'LeaseLeases', {})).toMatchObject({ leases: [{ ID: '1000' }] });
    await clients.ok('Lease', 'LeaseRevoke', { ID: 1000 });
    expect(await clients.ok('Lease', 'LeaseLeases', {})).toMatchObject({ leases: [] });
  });

  test('startEtcdGrpcServer() serves member list, status, hashes, alarms and lock/unlock', async () => {
    const members = await clients.ok('Cluster', 'MemberList', {});
    expect(members.members).toEqual([
      {
        ID: '66',
        name: 'fake',
        peerURLs: ['http://127.0.0.1:2380'],
        clientURLs: ['http://127.0.0.1:2379'],
        isLearner: false,
      },
    ]);
    const added = await clients.ok('Cluster', 'MemberAdd', {
      peerURLs: ['http://127.0.0.1:2381'],
      isLearner: true,
    });
    expect(added.member).toMatchObject({ ID: '77', isLearner: true, peerURLs: ['http://127.0.0.1:2381'] });
    expect(await clients.ok('Maintenance', 'Status', {})).toMatchObject({
      version: '3.4.0',
      dbSize: '4096',
      leader: '66',
      raftTerm: '7',
      dbSizeInUse: '2048',
    });
    expect(await clients.ok('Maintenance', 'Hash', {})).toMatchObject({ hash: 0xdeadbeef });
    expect(await clients.ok('Maintenance', 'HashKV', { revision: 0 })).toMatchObject({ hash: 0xfeedf00d });
    expect(await clients.ok('Maintenance', 'Alarm', { action: 'GET' })).toMatchObject({
      alarms: [{ memberID: '66', alarm: 'NOSPACE' }],
    });
    await clients.ok('Lease', 'LeaseGrant', { TTL: 10, ID: 255 });
    const lock = await clients.ok('Lock', 'Lock', { name: bytes('mutex'), lease: 255 });
    expect((lock.key as Buffer).toString()).toBe('mutex/ff');
    expect(await clients.ok('Lock', 'Unlock', { key: lock.key })).toHaveProperty('header');
  });

  test('startEtcdGrpcServer() streams a snapshot in order and ends the stream', async () => {
    const call = clients.client('Maintenance').Snapshot?.({}) as grpc.ClientReadableStream<
      Record<string, unknown>
    >;
    const chunks: Record<string, unknown>[] = [];
    call.on('data', (chunk: Record<string, unknown>) => chunks.push(chunk));
    await waitFor<void>(
      (listener) => call.on('end', listener),
      () => true,
    );
    const received = Buffer.concat(chunks.map((chunk) => chunk.blob as Buffer));
    expect(Buffer.from(unframeSnapshot(received)).toString()).toBe('first-second-last');
    expect(chunks.map((chunk) => chunk.remaining_bytes)).toEqual(['244', '44', '0']);
  });
});
