// `etcd-chaos serve [store] [--port P]`: serves the run store (default `store`) over HTTP
// on 127.0.0.1 (runner/serve.ts), prints the URL, and stops on SIGINT or SIGTERM with
// exit 0. A store that does not exist or a port that is taken is a usage error (254).

import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startStoreServer } from '../serve.js';
import { type Command, exitCodes, UsageError } from './command.js';
import { storeDefault } from './test.js';

const usage = 'usage: etcd-chaos serve [store] [--port P]';
export const servePortDefault = 8080;

export interface ServeArgs {
  readonly store: string;
  readonly port: number;
}

export function parseServeArgs(args: string[]): ServeArgs {
  let parsed: { values: { port?: string }; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: { port: { type: 'string' } }, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  if (parsed.positionals.length > 1) throw new UsageError(`one store at most\n${usage}`);
  const store = parsed.positionals[0] ?? storeDefault;
  const port = parsed.values.port === undefined ? servePortDefault : Number(parsed.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port: ${JSON.stringify(parsed.values.port)} must be an integer from 0 to 65535`);
  }
  if (!existsSync(store) || !statSync(store).isDirectory()) {
    throw new UsageError(`${store}: no such store directory (run etcd-chaos test or test-all first)`);
  }
  return { store, port };
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The command, with what ends serving injectable for tests. */
export function createServeCommand(waitForStop: () => Promise<void> = untilInterrupted): Command {
  return {
    summary: 'serve the run store over HTTP on 127.0.0.1 until interrupted',
    async run(args, io) {
      const { store, port } = parseServeArgs(args);
      let server: Awaited<ReturnType<typeof startStoreServer>>;
      try {
        server = await startStoreServer(store, { port });
      } catch (error) {
        throw new UsageError(
          `--port ${port}: cannot listen (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        );
      }
      io.stdout(`serving ${store} at ${server.url} (Ctrl-C stops)\n`);
      await waitForStop();
      await server.close();
      io.stdout('stopped\n');
      return exitCodes.valid;
    },
  };
}

export const serveCommand: Command = createServeCommand();
