// The store server: serves index.html at /, run files with their content type, a
// directory's index.html; refuses paths that climb out of the store (raw `..`, encoded
// `%2e%2e%2f`, a symlink pointing outside), NUL bytes and non-GET methods; listens on
// 127.0.0.1 only. The serve command prints its URL and stops when told to.

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { CommandIo } from './commands/command.js';
import { createServeCommand } from './commands/serve.js';
import { startStoreServer } from './serve.js';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** outside/secret.txt next to store/ with index.html, a run dir and a symlink out. */
function fixture(): { store: string } {
  const base = mkdtempSync(join(tmpdir(), 'etcd-chaos-serve-'));
  folders.push(base);
  const store = join(base, 'store');
  mkdirSync(join(store, 'sim-register-none', '20261124T000000'), { recursive: true });
  mkdirSync(join(base, 'outside'));
  writeFileSync(join(base, 'outside', 'secret.txt'), 'secret');
  writeFileSync(join(store, 'index.html'), '<h1>index</h1>');
  writeFileSync(join(store, 'sim-register-none', '20261124T000000', 'index.html'), 'run page');
  writeFileSync(join(store, 'sim-register-none', '20261124T000000', 'test.json'), '{"seed":"1"}');
  symlinkSync(join(base, 'outside'), join(store, 'escape'));
  return { store };
}

/** A raw request (no URL normalization by a client library). */
function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path, method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body, type: String(response.headers['content-type']) }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('startStoreServer', () => {
  test('`startStoreServer()` serves index.html at /, run files and a directory index on 127.0.0.1', async () => {
    const server = await startStoreServer(fixture().store, { port: 0 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const index = await get(server.url, '/');
      expect(index).toMatchObject({ status: 200, body: '<h1>index</h1>' });
      expect(index.type).toContain('text/html');
      const testJson = await get(server.url, '/sim-register-none/20261124T000000/test.json');
      expect(testJson).toMatchObject({ status: 200, body: '{"seed":"1"}' });
      expect(testJson.type).toContain('application/json');
      expect(await get(server.url, '/sim-register-none/20261124T000000/')).toMatchObject({
        body: 'run page',
      });
      expect((await get(server.url, '/nope.html')).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  test('`startStoreServer()` refuses traversal, symlinks out of the store, NUL bytes and other methods', async () => {
    const server = await startStoreServer(fixture().store, { port: 0 });
    try {
      for (const path of [
        '/../outside/secret.txt',
        '/..%2foutside%2fsecret.txt',
        '/%2e%2e/outside/secret.txt',
        '/sim-register-none/../../outside/secret.txt',
        '/escape/secret.txt',
      ]) {
        const response = await get(server.url, path);
        expect(response.status, path).toBe(403);
        expect(response.body).not.toContain('secret');
      }
      expect((await get(server.url, '/index.html%00.txt')).status).toBe(400);
      expect((await get(server.url, '/%E0%A4%A')).status).toBe(400);
      expect((await get(server.url, '/', 'POST')).status).toBe(405);
    } finally {
      await server.close();
    }
  });

  test('the `serve` command prints its URL, serves until stopped, and exits 0', async () => {
    const { store } = fixture();
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let output = '';
    const io: CommandIo = {
      stdout: (text) => {
        output += text;
      },
      stderr: (text) => {
        output += text;
      },
      readFile: (path) => readFile(path, 'utf8'),
    };
    const running = createServeCommand(() => stopped).run([store, '--port', '0'], io);
    const deadline = Date.now() + 5_000;
    while (!output.includes('http://') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const url = /http:\/\/\S+\//.exec(output)?.[0];
    expect(url).toBeDefined();
    expect((await get(url!, '/')).status).toBe(200);
    stop();
    expect(await running).toBe(0);
    expect(output).toContain('stopped');
    await expect(createServeCommand(() => stopped).run([join(store, 'missing')], io)).rejects.toThrow(
      /no such store/,
    );
  });
});
