// Serves a run store over HTTP on loopback (Jepsen's `serve`): static files only, GET
// and HEAD, `/` is store/index.html and a directory serves its index.html. A request
// can never read outside the store: the decoded path is resolved against the store and
// then through symlinks, and anything that lands outside is refused. Binds 127.0.0.1
// only, so a report of a run never leaves the machine.

import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

export const serveHost = '127.0.0.1';
/** Bytes of a request path accepted; longer ones are refused. */
export const requestPathCharsMax = 4_096;

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.edn': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export type Resolution =
  | { readonly type: 'file'; readonly path: string }
  | { readonly type: 'refused'; readonly status: 400 | 403 | 404; readonly reason: string };

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** The file under `root` (a real path) a request path names, or why there is none. */
export function resolveRequestPath(root: string, requestPath: string): Resolution {
  if (requestPath.length > requestPathCharsMax)
    return { type: 'refused', status: 400, reason: 'path too long' };
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath.split('?')[0] ?? '');
  } catch {
    return { type: 'refused', status: 400, reason: 'bad percent-encoding' };
  }
  if (decoded.includes('\0')) return { type: 'refused', status: 400, reason: 'NUL in path' };
  const candidate = resolve(root, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (!isInside(root, candidate)) return { type: 'refused', status: 403, reason: 'outside the store' };
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return { type: 'refused', status: 404, reason: 'not found' };
  }
  // A symlink in the store must not lead out of it.
  if (!isInside(root, real)) return { type: 'refused', status: 403, reason: 'outside the store' };
  const file = statSync(real).isDirectory() ? join(real, 'index.html') : real;
  try {
    if (!statSync(file).isFile()) return { type: 'refused', status: 404, reason: 'not a file' };
  } catch {
    return { type: 'refused', status: 404, reason: 'not found' };
  }
  return { type: 'file', path: file };
}

function handle(root: string, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  const resolution = resolveRequestPath(root, request.url ?? '/');
  if (resolution.type === 'refused') {
    response.writeHead(resolution.status, { 'content-type': 'text/plain' }).end(`${resolution.reason}\n`);
    return;
  }
  const type = contentTypes[extname(resolution.path).toLowerCase()] ?? 'application/octet-stream';
  response.writeHead(200, {
    'content-type': type,
    'content-length': statSync(resolution.path).size,
    'x-content-type-options': 'nosniff',
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(resolution.path);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

export interface StoreServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

/** Serves `store` on 127.0.0.1:`port` (0: any free port). */
export function startStoreServer(store: string, options: { port: number }): Promise<StoreServer> {
  const root = realpathSync(store);
  const server = createServer((request, response) => handle(root, request, response));
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, serveHost, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolvePromise({
        url: `http://${serveHost}:${port}/`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
