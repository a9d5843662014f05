// Runs etcd-chaos commands in the test's own process and keeps what they print: the
// whole output in order (`output`), and stdout and stderr apart for tests that tell
// them apart. Files are read from the real disk, as the CLI reads them.

import { readFile } from 'node:fs/promises';
import { main } from '../cli.js';
import type { CommandIo } from '../commands/command.js';

export interface CapturedIo {
  readonly io: CommandIo;
  output(): string;
  stdout(): string;
  stderr(): string;
}

export function captureIo(): CapturedIo {
  let output = '';
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: (text) => {
        output += text;
        stdout += text;
      },
      stderr: (text) => {
        output += text;
        stderr += text;
      },
      readFile: (path) => readFile(path, 'utf8'),
    },
    output: () => output,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

export interface CliRun {
  readonly code: number;
  /** stdout and stderr as printed, interleaved. */
  readonly output: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** `etcd-chaos ...args`, run by the CLI's own `main`. */
export async function runCli(args: string[]): Promise<CliRun> {
  const captured = captureIo();
  const code = await main(args, captured.io);
  return { code, output: captured.output(), stdout: captured.stdout(), stderr: captured.stderr() };
}
