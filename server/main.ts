#!/usr/bin/env node
// The etcd-ts binary. A small subcommand dispatch: `wal dump DIR [--verify]` today; the
// server itself (`etcd-ts --name ... --data-dir ...`) is added beside it as another
// entry of `commands`. Errors a user can act on print one line and exit 254; anything
// else is a crash and exits 255, still as one line (no stack trace).

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';
import { DiskError } from './ports/disk.js';
import { RealDisk } from './ports/real-disk.js';
import { runServe } from './serve-command.js';
import { dumpWal, resolveWalDir } from './wal/wal-dump.js';
import { WalCorruptionError, WalReplayError } from './wal/wal-errors.js';

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 254;
export const EXIT_CRASH = 255;

export interface MainIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** An error in what the user asked for; printed as one line, exit 254. */
class UsageError extends Error {
  override name = 'UsageError';
}

const USAGE = [
  'usage: etcd-ts [--name NAME --data-dir DIR --listen-client-urls URL ...]   run a member (etcd flags)',
  '       etcd-ts <command>',
  '  wal dump DIR [--verify]   print the records of a WAL (DIR is a wal/ or data directory);',
  '                            --verify checks every CRC and fails on corruption',
].join('\n');

type Command = (args: string[], io: MainIo) => number;

const commands: Record<string, Command> = {
  'wal dump': walDump,
};

function walDump(args: string[], io: MainIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: { verify: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1)
    throw new UsageError(`wal dump takes one directory, got ${positionals.length}`);
  const dir = positionals[0]!;
  const disk = new RealDisk();
  const walDir = resolveWalDir(disk, dir);
  if (walDir === undefined) throw new UsageError(`no WAL segments (*.wal) in ${dir} or ${dir}/wal`);
  dumpWal(disk, walDir, { verify: values.verify === true, write: io.out });
  return EXIT_OK;
}

/** Runs one command line; returns the exit code. */
export function main(argv: readonly string[], io: MainIo): number {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.out(USAGE);
    return argv.length === 0 ? EXIT_BAD_INPUT : EXIT_OK;
  }
  const name = argv.length >= 2 ? `${argv[0]} ${argv[1]}` : argv[0]!;
  const command = commands[name];
  if (command === undefined) {
    io.err(`etcd-ts: unknown command '${argv.slice(0, 2).join(' ')}'\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  try {
    return command(argv.slice(2), io);
  } catch (error) {
    if (isUserError(error)) {
      io.err(`etcd-ts: ${(error as Error).message}`);
      return EXIT_BAD_INPUT;
    }
    io.err(
      `etcd-ts: internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    return EXIT_CRASH;
  }
}

function isUserError(error: unknown): boolean {
  if (
    error instanceof UsageError ||
    error instanceof WalCorruptionError ||
    error instanceof WalReplayError ||
    error instanceof DiskError ||
    error instanceof ConfigError
  ) {
    return true;
  }
  // parseArgs reports unknown or malformed options with ERR_PARSE_ARGS_* codes.
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

/** `etcd-ts` alone or with flags (etcd's own command line) runs the server. */
function isServeInvocation(args: readonly string[]): boolean {
  const first = args[0];
  return first === undefined || (first.startsWith('--') && first !== '--help');
}

if (isEntryPoint()) {
  const args = process.argv.slice(2);
  const io: MainIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  if (isServeInvocation(args)) {
    runServe(args, io).then(
      (code) => {
        process.exitCode = code;
      },
      (error: unknown) => {
        io.err(
          `etcd-ts: internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        );
        process.exit(EXIT_CRASH);
      },
    );
  } else {
    process.exitCode = main(args, io);
  }
}
