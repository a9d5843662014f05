// What a CLI command is: a name's handler that gets its arguments and the process's
// streams injected (so tests call it in-process) and returns the exit code.
export interface CommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
}

export interface Command {
  summary: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Exit codes shared by every command (DESIGN.md, after Jepsen). */
export const exitCodes = { valid: 0, invalid: 1, unknown: 2, badInput: 254, crash: 255 } as const;

/** Bad arguments or input: the CLI prints the message alone and exits 254. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Reads an input file through `io`; one it cannot read is bad input naming the file. */
export async function readInput(io: CommandIo, path: string): Promise<string> {
  try {
    return await io.readFile(path);
  } catch (error) {
    throw new UsageError(
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

/** Parses an input file's JSON; text that is not JSON is bad input naming the file. */
export function parseInputJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
}
