// `etcd-chaos check --model M --format F [--timeout S] [--json] FILE...`: checks each
// history file for linearizability. Exit 0 all valid, 1 any invalid, 2 any unknown and
// none invalid, 254 bad arguments or input, 255 crash.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  checkHistory,
  FormatError,
  formats,
  HistoryError,
  models,
  type Verdict,
} from '../../checker/index.js';
import { type Command, type CommandIo, exitCodes, UsageError } from './command.js';

const usage = 'usage: etcd-chaos check --model M [--format F] [--timeout S] [--json] FILE...';

interface CheckArgs {
  model: string;
  format: string;
  timeoutMs: number | undefined;
  json: boolean;
  files: string[];
}

function parseCheckArgs(args: string[]): CheckArgs {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  }
  try {
    parsed = parse();
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (values.model === undefined)
    throw new UsageError(`--model is required (one of ${[...models.keys()].join(', ')})`);
  if (!models.has(values.model)) {
    throw new UsageError(`--model ${values.model} is not a model; known: ${[...models.keys()].join(', ')}`);
  }
  if (!formats.has(values.format)) {
    throw new UsageError(
      `--format ${values.format} is not a format; known: ${[...formats.keys()].join(', ')}`,
    );
  }
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    const seconds = Number(values.timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new UsageError(
        `--timeout must be a positive number of seconds: current value is ${values.timeout}`,
      );
    }
    timeoutMs = seconds * 1000;
  }
  if (positionals.length === 0) throw new UsageError(`no history files given\n${usage}`);
  return { model: values.model, format: values.format, timeoutMs, json: values.json, files: positionals };
}

async function checkFile(file: string, args: CheckArgs, io: CommandIo) {
  let text: string;
  try {
    text = await io.readFile(file);
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const startMs = performance.now();
  try {
    const { history, modelOptions } = formats.get(args.format)!.read(text, file);
    const result = checkHistory(history, {
      model: args.model,
      modelOptions,
      clock: { nowMs: () => performance.now() },
      timeoutMs: args.timeoutMs,
    });
    return { result, ms: performance.now() - startMs };
  } catch (error) {
    if (error instanceof FormatError) throw new UsageError(error.message);
    if (error instanceof HistoryError)
      throw new UsageError(`${file}: event ${error.eventIndex}: ${error.field}: ${error.message}`);
    throw error;
  }
}

function exitCodeOf(verdicts: Verdict[]): number {
  if (verdicts.includes(false)) return exitCodes.invalid;
  if (verdicts.includes('unknown')) return exitCodes.unknown;
  return exitCodes.valid;
}

export const checkCommand: Command = {
  summary: 'check history files for linearizability',
  async run(rawArgs, io) {
    const args = parseCheckArgs(rawArgs);
    const verdicts: Verdict[] = [];
    for (const file of args.files) {
      const { result, ms } = await checkFile(file, args, io);
      verdicts.push(result.valid);
      if (args.json) {
        const explanation =
          result.explanation ??
          (result.unknownReason === undefined ? null : { reason: result.unknownReason });
        io.stdout(
          `${JSON.stringify({ file, valid: result.valid, ms: Math.round(ms * 1000) / 1000, explanation })}\n`,
        );
      } else if (result.valid === true) {
        io.stdout(`${file}: valid (${result.partitions.length} partitions, ${ms.toFixed(1)} ms)\n`);
      } else if (result.valid === false) {
        io.stdout(`${file}: INVALID: ${result.explanation?.sentence ?? 'not linearizable'}\n`);
      } else {
        io.stdout(`${file}: unknown: ${result.unknownReason}\n`);
      }
    }
    return exitCodeOf(verdicts);
  },
};
