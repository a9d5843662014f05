// The gRPC workload client end to end over loopback against etcd-ts's gRPC server
// serving the in-memory store: conversions both ways, errors, deadlines, streams.

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkHistory } from '../checker/index.js';
import { EtcdError } from '../server/api/errors.js';
import type { EtcdGrpcServer } from '../server/api/grpc-server.js';
import { ProcessClock } from '../server/ports/process-clock.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { ClientError } from './client.js';
import { runGenerator } from './generator.js';
import { GrpcClient } from './grpc-client.js';
import { classifyError } from './outcome.js';
import { registerWorkload } from './register.js';
import { MemoryEtcd } from './testing/memory-etcd.js';
import { serveMemory } from './testing/serve-memory.js';
import { watchWorkload } from './watch.js';
import { bytes, text } from './workload.js';

const clock = new ProcessClock();
let memory: MemoryEtcd;
let server: EtcdGrpcServer;
let client: GrpcClient;

beforeEach(async () => {
  memory = new MemoryEtcd({ clock });
  server = await serveMemory(memory);
  client = new GrpcClient(`127.0.0.1:${server.port}`, { timeoutMsDefault: 2000 });
});

afterEach(() => {
  client.close();
  server.close();
});

describe('GrpcClient', () => {
  test('GrpcClient round-trips put, range, txn compares and lease-attached keys', async () => {
    const lease = await client.leaseGrant({ ttlSeconds: 30 });
    await client.put({ key: bytes('a'), value: bytes('1'), lease: lease.id });
    const txn = await client.txn({
      compare: [{ key: bytes('a'), target: 'VALUE', value: bytes('1'), result: 'EQUAL' }],
      success: [
        { type: 'put', request: { key: bytes('b'), value: bytes('2') } },
        { type: 'range', request: { key: bytes('a') } },
      ],
      failure: [],
    });
    expect(txn.succeeded).toBe(true);
    const inner = txn.responses[1];
    expect(inner?.type === 'range' && text(inner.response.kvs[0]!.value)).toBe('1');
    const range = await client.range({ key: bytes('a'), rangeEnd: bytes('c') });
    expect(range.kvs.map((kv) => [text(kv.key), text(kv.value), kv.lease])).toEqual([
      ['a', '1', lease.id],
      ['b', '2', '0'],
    ]);
    expect(range.header.revision).toBe(3);
    expect((await client.leaseKeepAlive({ id: lease.id })).ttlSeconds).toBe(30);
    expect((await client.status()).leader).toBe(1);
  });

  test('GrpcClient hands etcd errors back as the catalogued EtcdError', async () => {
    const error = await client.leaseRevoke({ id: '999' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EtcdError);
    expect((error as EtcdError).kind).toBe('leaseNotFound');
  });

  test('GrpcClient times out a blocked lock by its deadline, an indeterminate outcome', async () => {
    const first = await client.leaseGrant({ ttlSeconds: 30 });
    const second = await client.leaseGrant({ ttlSeconds: 30 });
    await client.lock({ name: bytes('L'), lease: first.id });
    const error = await client
      .lock({ name: bytes('L'), lease: second.id }, { timeoutMs: 200 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).reason).toBe('timeout');
    expect(classifyError(error, { idempotent: false }).type).toBe('info');
  });

  test('GrpcClient reports a refused connection as connect-failed, a definite failure', async () => {
    const port = server.port;
    server.close();
    const lonely = new GrpcClient(`127.0.0.1:${port}`, { timeoutMsDefault: 2000 });
    const error = await lonely.put({ key: bytes('x'), value: bytes('y') }).catch((caught: unknown) => caught);
    lonely.close();
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).reason).toBe('connect-failed');
    expect(classifyError(error, { idempotent: false }).type).toBe('fail');
  });

  test('GrpcClient sends a timed-out write once and never retries it', async () => {
    let puts = 0;
    class HangingPuts extends MemoryEtcd {
      override put(): Promise<never> {
        puts += 1;
        return new Promise(() => undefined);
      }
    }
    const hanging = await serveMemory(new HangingPuts({ clock }));
    const hangingClient = new GrpcClient(`127.0.0.1:${hanging.port}`);
    const error = await hangingClient
      .put({ key: bytes('x'), value: bytes('1') }, { timeoutMs: 300 })
      .catch((caught: unknown) => caught);
    hangingClient.close();
    hanging.close();
    expect((error as ClientError).reason).toBe('timeout');
    // gRPC retries would happen inside the deadline, so one call seen now means none.
    expect(puts).toBe(1);
  });

  test('GrpcClient drives the register workload to a history the checker accepts', async () => {
    const { history } = await runGenerator(registerWorkload({ keyPrefix: 'g/' }), {
      clock,
      random: new Xoshiro128(17),
      clients: [client],
      opsMax: 60,
      rateOpsPerSecond: 500,
    });
    expect(history.filter((event) => event.type === 'ok').length).toBeGreaterThan(30);
    expect(checkHistory([...history], { model: 'cas-register' }).valid).toBe(true);
  });

  test('GrpcClient watches resume from a revision through the watch workload', async () => {
    const { history } = await runGenerator(watchWorkload({ keyPrefix: 'g/' }), {
      clock,
      random: new Xoshiro128(3),
      clients: [client],
      opsMax: 40,
      rateOpsPerSecond: 500,
    });
    const watched = history.filter((event) => event.f === 'watch' && event.type === 'ok');
    expect(watched.length).toBeGreaterThan(3);
    expect(watched.some((event) => (event.value as { events: unknown[] }).events.length > 0)).toBe(true);
  });
});
