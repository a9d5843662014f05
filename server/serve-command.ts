// `etcd-ts [flags]`: parse etcd's flags, start the member, and run until SIGTERM or
// SIGINT, which stop it cleanly. A flag that cannot work is one line and exit 254;
// a failure to start (port in use, corrupt WAL) is one line and exit 254 too, because
// the user can act on it; the process never prints a stack trace for either.

import { ConfigError } from './config-error.js';
import { DiskError } from './ports/disk.js';
import { serve } from './serve.js';
import { parseServeFlags } from './serve-flags.js';
import { WalCorruptionError, WalReplayError } from './wal/wal-errors.js';
import { RecoveryError } from './wal/wal-persistence.js';

export interface ServeIo {
  readonly err: (line: string) => void;
}

/** Resolves with the exit code once the member has stopped. */
export async function runServe(args: readonly string[], io: ServeIo): Promise<number> {
  let server: Awaited<ReturnType<typeof serve>>;
  try {
    const config = parseServeFlags(args);
    server = await serve(config, (line) => io.err(`etcd-ts: ${line}`));
  } catch (error) {
    if (isStartupError(error)) {
      io.err(`etcd-ts: cannot start: ${(error as Error).message}`);
      return 254;
    }
    throw error;
  }
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      io.err(`etcd-ts: ${signal}: stopping`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      server.stop().then(
        () => resolve(0),
        (error: unknown) => {
          io.err(`etcd-ts: stopping failed: ${(error as Error).message}`);
          resolve(255);
        },
      );
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
}

function isStartupError(error: unknown): boolean {
  if (
    error instanceof ConfigError ||
    error instanceof DiskError ||
    error instanceof WalCorruptionError ||
    error instanceof WalReplayError ||
    error instanceof RecoveryError
  ) {
    return true;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL';
}
