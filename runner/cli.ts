#!/usr/bin/env node
import { realpathSync } from 'node:fs';
// The `etcd-chaos` entry point: picks a command from the registry and maps failures
// to exit codes (254 bad arguments or input, one line, no stack trace; 255 crash).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { decodeText } from '../checker/index.js';
import { type CommandIo, exitCodes, UsageError } from './commands/command.js';
import { commands } from './commands/index.js';

function help(): string {
  const lines = [...commands].map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return `usage: etcd-chaos <command> [options]\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout(help());
    return name === undefined ? exitCodes.badInput : exitCodes.valid;
  }
  const command = commands.get(name);
  if (command === undefined) {
    io.stderr(`etcd-chaos: unknown command ${JSON.stringify(name)}\n${help()}`);
    return exitCodes.badInput;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`etcd-chaos ${name}: ${error.message}\n`);
      return exitCodes.badInput;
    }
    io.stderr(`etcd-chaos ${name}: crashed: ${(error as Error).message ?? String(error)}\n`);
    return exitCodes.crash;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const io: CommandIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readFile: async (path) => decodeText(await readFile(path)),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`etcd-chaos: crashed: ${String(error)}\n`);
      process.exitCode = exitCodes.crash;
    },
  );
}
