// Malformed and random requests against a running server, in front of a fake service and
// in front of a real one-member etcd-ts: random bytes and random
// field values (huge int64s, unknown enum numbers, several oneof members, deep txns) for
// every unary method and for the Watch stream. Each must end in a valid response or a
// proper gRPC status, never in an exception the server did not expect, and the server
// must keep answering afterwards.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { EtcdNode } from '../node/etcd-node.js';
import { ProcessClock, wallClockDeadline } from '../ports/process-clock.js';
import { Xoshiro128 } from '../ports/random.js';
import { RealDisk } from '../ports/real-disk.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { WalPersistence } from '../wal/wal-persistence.js';
import { withRequestChecks } from './checked-service.js';
import { type EtcdGrpcServer, startEtcdGrpcServer } from './grpc-server.js';
import { findProtoDirectory, loadEtcdProtos, protoFileNames } from './proto-files.js';
import type { EtcdService } from './service.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';
import { EtcdTestClients, waitFor } from './testing/grpc-test-client.js';

const runs = Number(process.env.API_FUZZ_RUNS ?? 100);
const timeoutMs = 5000;

const root = (() => {
  const directory = findProtoDirectory();
  const loaded = new protobuf.Root();
  loaded.resolvePath = (_origin, target) => `${directory}/${target}`;
  return loaded.loadSync([...protoFileNames], { keepCase: true }).resolveAll();
})();

interface UnaryMethod {
  readonly path: string;
  readonly requestType: protobuf.Type;
}

const unaryMethods: UnaryMethod[] = Object.entries(loadEtcdProtos()).flatMap(([serviceName, definition]) => {
  if (!serviceName.endsWith('KV') && !/\.(Lease|Cluster|Maintenance|Auth|Lock)$/.test(serviceName)) return [];
  const service = root.lookupService(serviceName);
  return Object.values(service.methods)
    .filter((method) => !method.requestStream && !method.responseStream)
    .map((method) => ({
      path: (definition as Record<string, { path: string }>)[method.name]?.path ?? '',
      requestType: method.resolvedRequestType as protobuf.Type,
    }));
});

const int64Text = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.constantFrom('9007199254740992', '9223372036854775807', '-9223372036854775808', '18446744073709551615'),
);

/** A random plain object for `type`, with every field drawn loosely from its wire type. */
function randomMessage(type: protobuf.Type, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.values(type.fields);
  const entries = fields.map((field) => {
    const one = randomFieldValue(field, depth);
    const value = field.repeated ? fc.array(one, { maxLength: 3 }) : one;
    return [field.name, fc.option(value, { nil: undefined })] as const;
  });
  return fc.record(Object.fromEntries(entries)) as fc.Arbitrary<Record<string, unknown>>;
}

function randomFieldValue(field: protobuf.Field, depth: number): fc.Arbitrary<unknown> {
  if (field.resolvedType instanceof protobuf.Enum) return fc.integer({ min: 0, max: 12 });
  if (field.resolvedType instanceof protobuf.Type) {
    return depth >= 3 ? fc.constant({}) : randomMessage(field.resolvedType, depth + 1);
  }
  switch (field.type) {
    case 'bytes':
      return fc.oneof(
        fc.uint8Array({ maxLength: 12 }),
        fc.constantFrom('a', 'boomless', '').map((text) => Buffer.from(text)),
      );
    case 'string':
      return fc.string({ maxLength: 12 });
    case 'bool':
      return fc.boolean();
    case 'uint32':
      return fc.nat();
    default:
      return int64Text;
  }
}

const anyUnaryCall = fc.oneof(
  fc.record({
    method: fc.constantFrom(...unaryMethods),
    payload: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.constantFrom(...unaryMethods).chain((method) =>
    randomMessage(method.requestType, 0).map((message) => ({
      method,
      payload: encode(method.requestType, message),
    })),
  ),
);

function encode(type: protobuf.Type, message: Record<string, unknown>): Uint8Array {
  return type.encode(type.fromObject(message)).finish();
}

type RawOutcome = { type: 'ok' } | { type: 'error'; code: number; details: string };

interface Target {
  readonly service: EtcdService;
  /** Methods that may legitimately wait past the deadline (a Lock queued behind a holder). */
  readonly mayBlock: ReadonlySet<string>;
  close(): Promise<void>;
}

/** A one-member etcd-ts cluster: the real node, its WAL on a temp dir, no peers. */
async function startMember(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'etcd-ts-fuzz-'));
  const clock = new ProcessClock();
  const transport = await TcpTransport.listen({
    selfId: 1,
    clusterId: 7,
    listen: { host: '127.0.0.1', port: 0 },
    peers: new Map(),
    clock,
  });
  const node = new EtcdNode({
    memberId: 1,
    clusterId: 7,
    members: [{ id: 1, name: 'fuzz', peerUrls: ['http://127.0.0.1:1'], clientUrls: [], isLearner: false }],
    clock,
    random: new Xoshiro128(2381),
    transport,
    persistence: WalPersistence.open(new RealDisk(), {
      dir,
      logger: { info: () => {}, warn: () => {} },
      metadata: { nodeId: 1, clusterId: 7 },
    }),
    tickMs: 10,
  });
  node.start();
  const deadline = clock.nowMs() + timeoutMs;
  while (node.raftStatus().state !== 'leader') {
    if (clock.nowMs() > deadline) throw new Error('the one-member cluster elected no leader');
    await new Promise<void>((resolve) => clock.setTimer(5, resolve));
  }
  return {
    service: withRequestChecks(node),
    mayBlock: new Set(['/v3lockpb.Lock/Lock']),
    async close() {
      node.stop();
      await transport.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const targets: [string, () => Promise<Target>][] = [
  [
    'a fake service',
    async () => ({ service: new FakeEtcdService(), mayBlock: new Set(), close: async () => {} }),
  ],
  ['a running etcd-ts member', startMember],
];

describe.each(targets)('startEtcdGrpcServer() in front of %s, under malformed input', (_, startTarget) => {
  let target: Target;
  let server: EtcdGrpcServer;
  let raw: grpc.Client;
  let clients: EtcdTestClients;
  let internalErrors: string[];

  beforeAll(async () => {
    target = await startTarget();
    internalErrors = [];
    server = await startEtcdGrpcServer(target.service, {
      port: 0,
      onInternalError: (error, method) => internalErrors.push(`${method}: ${String(error)}`),
    });
    raw = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    clients = new EtcdTestClients(`127.0.0.1:${server.port}`);
  });

  afterAll(async () => {
    raw.close();
    clients.close();
    server.close();
    await target.close();
  });

  function sendRaw(path: string, payload: Uint8Array): Promise<RawOutcome> {
    const identity = (value: Buffer) => value;
    return new Promise((resolve) => {
      raw.makeUnaryRequest(
        path,
        identity,
        identity,
        Buffer.from(payload),
        { deadline: wallClockDeadline(timeoutMs) },
        (error) =>
          resolve(error ? { type: 'error', code: error.code, details: error.details } : { type: 'ok' }),
      );
    });
  }

  test.prop([anyUnaryCall], { seed: 2379, numRuns: runs })(
    'startEtcdGrpcServer() answers random unary requests with a response or a proper status',
    async ({ method, payload }) => {
      const outcome = await sendRaw(method.path, payload);
      if (
        outcome.type === 'error' &&
        !(outcome.code === grpc.status.DEADLINE_EXCEEDED && target.mayBlock.has(method.path))
      ) {
        // Deadline or unavailable would mean the server hung or died.
        expect([grpc.status.DEADLINE_EXCEEDED, grpc.status.UNAVAILABLE]).not.toContain(outcome.code);
        expect(outcome.details.length).toBeGreaterThan(0);
      }
      expect(internalErrors).toEqual([]);
    },
  );

  const watchType = root.lookupType('etcdserverpb.WatchRequest');
  test.prop([fc.array(randomMessage(watchType, 0), { minLength: 1, maxLength: 5 })], {
    seed: 2380,
    numRuns: Math.max(10, Math.floor(runs / 4)),
  })('startEtcdGrpcServer() keeps a Watch stream usable after random watch requests', async (messages) => {
    const stream = clients.client('Watch').Watch?.() as grpc.ClientDuplexStream<
      unknown,
      Record<string, unknown>
    >;
    const received: Record<string, unknown>[] = [];
    const listeners = new Set<(message: Record<string, unknown>) => void>();
    stream.on('data', (message: Record<string, unknown>) => {
      received.push(message);
      for (const listener of listeners) listener(message);
    });
    let streamError: grpc.ServiceError | undefined;
    stream.on('error', (error: grpc.ServiceError) => {
      streamError = error;
    });
    try {
      for (const message of messages) stream.write(watchType.toObject(watchType.fromObject(message)));
      stream.write({ create_request: { key: Buffer.from('probe'), watch_id: 424242 } });
      const isProbe = (message: Record<string, unknown>) =>
        message.watch_id === '424242' && message.created === true;
      if (!received.some(isProbe)) await waitFor((listener) => listeners.add(listener), isProbe, timeoutMs);
      expect(streamError).toBeUndefined();
      expect(internalErrors).toEqual([]);
    } finally {
      stream.cancel();
    }
  });

  test('startEtcdGrpcServer() still serves ordinary requests after the fuzzing', async () => {
    expect((await clients.unary('KV', 'Range', { key: Buffer.from('k') })).type).toBe('ok');
  });
});
