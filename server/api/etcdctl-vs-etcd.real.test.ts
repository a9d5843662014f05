// The same etcdctl 3.4 commands against a one-member etcd 3.4 and a one-member etcd-ts
// (served in this process), outputs compared exactly after normalizing ports and log
// timestamps: every key/range_end shape etcdctl can produce (single key, explicit range,
// an empty range_end argument, --prefix and --from-key with and without a key, which
// etcdctl sends as key "\0" with range_end "\0"), and `endpoint hashkv` around
// compactions, where etcd hashes only what a compaction at the hashed revision keeps.
// Runs only under `test:real` (the install script puts etcd and etcdctl on PATH).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type RunningServer, serve } from '../serve.js';
import { parseServeFlags } from '../serve-flags.js';

const commandTimeoutMs = 10_000;
const healthWaitMs = 20_000;
const healthPollMs = 200;

interface Member {
  readonly endpoint: string;
}

let directory: string;
let etcdProcess: ChildProcess | undefined;
let etcdTsServer: RunningServer | undefined;
let etcd: Member;
let etcdTs: Member;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function memberFlags(name: string, dataDir: string, clientPort: number, peerPort: number): string[] {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${name}=${peer}`,
    '--initial-cluster-state=new',
    '--initial-cluster-token=etcdctl-vs-etcd',
  ];
}

type Outcome = { readonly exitCode: number; readonly output: string };

function etcdctl(member: Member, args: readonly string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      'etcdctl',
      [`--endpoints=${member.endpoint}`, '--command-timeout=5s', ...args],
      { env: { ...process.env, ETCDCTL_API: '3' }, timeout: commandTimeoutMs },
      (error, stdout, stderr) =>
        resolve({
          exitCode: error === null ? 0 : typeof error.code === 'number' ? error.code : -1,
          output: normalize(`${stdout}${stderr}`, member.endpoint),
        }),
    );
  });
}

/** What legitimately differs between the two servers: their address and log times. */
function normalize(output: string, endpoint: string): string {
  return output
    .replaceAll(endpoint, 'ENDPOINT')
    .replace(/"ts":"[^"]*"/g, '"ts":"T"')
    .replace(/client-[0-9a-f-]+/g, 'client-ID')
    .replace(/"(cluster_id|member_id)":\d+/g, '"$1":0');
}

async function waitHealthy(member: Member): Promise<void> {
  await vi.waitFor(async () => expect((await etcdctl(member, ['endpoint', 'health'])).exitCode).toBe(0), {
    timeout: healthWaitMs,
    interval: healthPollMs,
  });
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'etcdctl-vs-etcd-'));
  const [etcdClient, etcdPeer, tsClient, tsPeer] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  etcdProcess = spawn('etcd', memberFlags('n1', join(directory, 'etcd'), etcdClient!, etcdPeer!), {
    stdio: 'ignore',
  });
  etcdTsServer = await serve(
    parseServeFlags(memberFlags('n1', join(directory, 'etcd-ts'), tsClient!, tsPeer!)),
    () => {},
  );
  etcd = { endpoint: `127.0.0.1:${etcdClient}` };
  etcdTs = { endpoint: `127.0.0.1:${tsClient}` };
  await Promise.all([waitHealthy(etcd), waitHealthy(etcdTs)]);
}, 60_000);

afterAll(async () => {
  etcdProcess?.kill('SIGKILL');
  await etcdTsServer?.stop();
  rmSync(directory, { recursive: true, force: true });
});

/** Runs the commands in order on both servers; each output must be identical. */
async function expectSameOutputs(commands: readonly (readonly string[])[]): Promise<void> {
  for (const command of commands) {
    const expected = await etcdctl(etcd, command);
    const actual = await etcdctl(etcdTs, command);
    expect({ command, ...actual }).toEqual({ command, ...expected });
  }
}

describe('etcdctl against etcd and serve()', () => {
  test('serve() answers every key and range_end shape etcdctl sends as etcd does', async () => {
    await expectSameOutputs([
      ['put', 'a', '1'],
      ['put', 'b', '2'],
      ['put', 'c', '3'],
      ['get', 'a'],
      ['get', 'a', 'c'],
      ['get', 'a', ''],
      ['get', 'a', 'a'],
      ['get', 'c', 'a'],
      ['get', ''],
      ['get', 'b', '--from-key'],
      ['get', '', '--from-key', '--keys-only'],
      ['get', '', '--prefix', '--keys-only'],
      ['get', 'a', '--prefix'],
      ['get', '', '--from-key', '--limit=1', '-w', 'json'],
      ['get', '', '--from-key', '--order=DESCEND', '--sort-by=KEY', '--keys-only'],
      ['del', 'c', '--from-key'],
      ['del', 'a', 'b'],
      ['get', '', '--from-key'],
      ['del', '', '--prefix'],
      ['get', '', '--from-key', '-w', 'json'],
    ]);
  }, 60_000);

  test('serve() hashes like etcd around compactions (endpoint hashkv)', async () => {
    await expectSameOutputs([
      ['put', 'h/a', '1'],
      ['put', 'h/b', '2'],
      ['put', 'h/a', '3'],
      ['endpoint', 'hashkv'],
      ['del', 'h/b'],
      ['get', 'h/a', '-w', 'json'],
    ]);
    // Both servers are at the same revision here: compact there, then keep writing.
    const revision = JSON.parse((await etcdctl(etcd, ['get', 'h/a', '-w', 'json'])).output).header.revision;
    await expectSameOutputs([
      ['compaction', String(revision)],
      ['endpoint', 'hashkv'],
      ['endpoint', 'hashkv', `--rev=${revision}`],
      ['put', 'h/a', '5'],
      ['endpoint', 'hashkv'],
      ['put', 'h/c', '1'],
      ['del', 'h/a'],
      ['compaction', String(revision + 3)],
      ['endpoint', 'hashkv'],
      ['put', 'h/a', '1'],
      ['endpoint', 'hashkv'],
      ['endpoint', 'hashkv', `--rev=${revision + 4}`],
    ]);
  }, 60_000);
});
