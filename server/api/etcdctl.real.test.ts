// Debian's etcdctl 3.4 (package etcd-client) against the gRPC server over loopback, with
// the in-memory FakeEtcdService behind it: proves the wire contract (paths, field
// numbers, error texts, stream shapes, snapshot framing) with a real etcd client. Runs
// only under `test:real`, where the install script has put etcdctl on PATH.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type EtcdGrpcServer, startEtcdGrpcServer } from './grpc-server.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';

const commandTimeoutMs = 10_000;

let server: EtcdGrpcServer;
let directory: string;

beforeAll(async () => {
  server = await startEtcdGrpcServer(new FakeEtcdService(), { port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'etcd-ts-api-'));
});

afterAll(() => {
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

type Outcome = { readonly ok: boolean; readonly stdout: string; readonly stderr: string };

function etcdctl(args: readonly string[], input?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      'etcdctl',
      [`--endpoints=127.0.0.1:${server.port}`, '--command-timeout=5s', ...args],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: commandTimeoutMs },
      (error, stdout, stderr) => resolve({ ok: error === null, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe('etcdctl 3.4 against startEtcdGrpcServer()', () => {
  test('etcdctl put, get and del round-trip through startEtcdGrpcServer()', async () => {
    expect((await etcdctl(['put', 'foo', 'bar'])).stdout).toBe('OK\n');
    expect((await etcdctl(['get', 'foo'])).stdout).toBe('foo\nbar\n');
    const json = JSON.parse((await etcdctl(['get', 'foo', '-w', 'json'])).stdout);
    expect(json.header).toMatchObject({ cluster_id: 4660, member_id: 66, raft_term: 7 });
    expect(Buffer.from(json.kvs[0].value, 'base64').toString()).toBe('bar');
    expect((await etcdctl(['del', 'foo'])).stdout).toBe('1\n');
  });

  test('etcdctl prints etcd error texts that startEtcdGrpcServer() sends', async () => {
    const future = await etcdctl(['get', 'foo', '--rev=999']);
    expect(future.ok).toBe(false);
    expect(future.stderr).toContain('Error: etcdserver: mvcc: required revision is a future revision');
    const duplicate = await etcdctl(['txn'], '\nput a 1\nput a 2\n\n\n');
    expect(duplicate.stderr).toContain('Error: etcdserver: duplicate key given in txn request');
    const revoke = await etcdctl(['lease', 'revoke', '123']);
    expect(revoke.stderr).toContain('etcdserver: requested lease not found');
  });

  test('etcdctl lease, member, endpoint and snapshot commands work against startEtcdGrpcServer()', async () => {
    expect((await etcdctl(['lease', 'grant', '30'])).stdout).toBe(
      'lease 00000000000003e8 granted with TTL(30s)\n',
    );
    expect((await etcdctl(['lease', 'keep-alive', '--once', '3e8'])).stdout).toContain(
      'keepalived with TTL(30)',
    );
    expect((await etcdctl(['member', 'list'])).stdout).toBe(
      '42, started, fake, http://127.0.0.1:2380, http://127.0.0.1:2379, false\n',
    );
    const health = await etcdctl(['endpoint', 'health']);
    expect(health.stdout + health.stderr).toContain('is healthy');
    const path = join(directory, 'snapshot.db');
    const saved = await etcdctl(['snapshot', 'save', path]);
    expect(saved.stdout).toContain('Snapshot saved');
    expect(statSync(path).size % 512).toBe(32);
  });
});
