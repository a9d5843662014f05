// `etcd-chaos check (--model M | --checker C) [--format F] [--timeout S] [--workers N]
// [--json] FILE...`: checks each history file for linearizability against a model, or with
// a dedicated checker (watch, lock, list-append, rw-register). Exit 0 all valid, 1 any
// invalid, 2 any unknown and none invalid, 254 bad arguments or input, 255 crash.
// `etcd-chaos check [--json] RUN_DIR...` re-analyzes stored runs (check-run-dir.ts).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  checkHistoryInWorkers,
  FormatError,
  formats,
  HistoryError,
  models,
  realCheckerClock,
  type Verdict,
} from '../../checker/index.js';
import { isRunDirectory, reportRunDirectory } from '../check-run-dir.js';
import { dedicatedCheckers } from './check-checkers.js';
import { type Command, type CommandIo, exitCodes, readInput, UsageError } from './command.js';

const usage =
  'usage: etcd-chaos check (--model M | --checker C) [--format F] [--timeout S] [--workers N] [--json] FILE...';
/** Worker threads at most for --workers. */
const workersMax = 64;

interface CheckArgs {
  /** Exactly one of `model` and `checker` is set. */
  model: string | undefined;
  checker: string | undefined;
  format: string;
  timeoutMs: number | undefined;
  workers: number;
  json: boolean;
  files: string[];
}

interface FileOutcome {
  valid: Verdict;
  ms: number;
  /** What --json prints: null when valid. */
  explanation: unknown;
  /** The plain-text line after "FILE: ". */
  line: string;
}

function parseCheckArgs(args: string[]): CheckArgs {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        checker: { type: 'string' },
        format: { type: 'string', default: 'jsonl' },
        timeout: { type: 'string' },
        workers: { type: 'string' },
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
  const knownModels = [...models.keys()].join(', ');
  const knownCheckers = [...dedicatedCheckers.keys()].join(', ');
  if (values.model === undefined && values.checker === undefined) {
    throw new UsageError(
      `--model (one of ${knownModels}) or --checker (one of ${knownCheckers}) is required`,
    );
  }
  if (values.model !== undefined && values.checker !== undefined) {
    throw new UsageError(
      `--model and --checker exclude each other: current values are ${values.model} and ${values.checker}`,
    );
  }
  if (values.model !== undefined && !models.has(values.model)) {
    throw new UsageError(`--model ${values.model} is not a model; known: ${knownModels}`);
  }
  if (values.checker !== undefined && !dedicatedCheckers.has(values.checker)) {
    throw new UsageError(`--checker ${values.checker} is not a checker; known: ${knownCheckers}`);
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
    if (values.checker !== undefined) {
      throw new UsageError(
        `--timeout bounds the --model search only; --checker ${values.checker} runs in polynomial time`,
      );
    }
    timeoutMs = seconds * 1000;
  }
  let workers = availableParallelism();
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > workersMax) {
      throw new UsageError(
        `--workers must be an integer from 1 to ${workersMax}: current value is ${values.workers}`,
      );
    }
  }
  if (positionals.length === 0) throw new UsageError(`no history files given\n${usage}`);
  return {
    model: values.model,
    checker: values.checker,
    format: values.format,
    timeoutMs,
    workers,
    json: values.json,
    files: positionals,
  };
}

async function checkText(text: string, file: string, args: CheckArgs): Promise<FileOutcome> {
  const startMs = performance.now();
  const { history, modelOptions } = formats.get(args.format)!.read(text, file);
  if (args.checker !== undefined) {
    const outcome = dedicatedCheckers.get(args.checker)!(history);
    const ms = performance.now() - startMs;
    const line =
      outcome.valid === true
        ? `valid (${args.checker}: ${outcome.summary}, ${ms.toFixed(1)} ms)`
        : `${outcome.valid === false ? 'INVALID' : 'unknown'}: ${outcome.explanation?.sentence ?? args.checker}`;
    return { valid: outcome.valid, ms, explanation: outcome.explanation, line };
  }
  const result = await checkHistoryInWorkers(history, {
    model: args.model!,
    modelOptions,
    clock: realCheckerClock,
    timeoutMs: args.timeoutMs,
    workers: args.workers,
  });
  const ms = performance.now() - startMs;
  const explanation =
    result.explanation ?? (result.unknownReason === undefined ? null : { reason: result.unknownReason });
  const line =
    result.valid === true
      ? `valid (${result.partitions.length} partitions, ${ms.toFixed(1)} ms)`
      : result.valid === false
        ? `INVALID: ${result.explanation?.sentence ?? 'not linearizable'}`
        : `unknown: ${result.unknownReason}`;
  return { valid: result.valid, ms, explanation, line };
}

async function checkFile(file: string, args: CheckArgs, io: CommandIo): Promise<FileOutcome> {
  const text = await readInput(io, file);
  try {
    return await checkText(text, file, args);
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
  summary: 'check history files for linearizability, or with the watch, lock or Elle checkers',
  async run(rawArgs, io) {
    // `check <run dir>...` (Jepsen's analyze): each stored run with its workload's checker.
    const directories = rawArgs.filter((arg) => arg !== '--json');
    const runDirectory = directories.find(isRunDirectory);
    if (runDirectory !== undefined && !directories.every(isRunDirectory)) {
      throw new UsageError(
        `${runDirectory} is a run directory: run directories take only --json (each is checked with its workload's own checker); history files take --model or --checker`,
      );
    }
    if (runDirectory !== undefined) {
      const json = rawArgs.includes('--json');
      const verdicts: Verdict[] = [];
      for (const directory of directories) verdicts.push(await reportRunDirectory(directory, { io, json }));
      return exitCodeOf(verdicts);
    }
    const args = parseCheckArgs(rawArgs);
    const verdicts: Verdict[] = [];
    for (const file of args.files) {
      const outcome = await checkFile(file, args, io);
      verdicts.push(outcome.valid);
      if (args.json) {
        const ms = Math.round(outcome.ms * 1000) / 1000;
        io.stdout(
          `${JSON.stringify({ file, valid: outcome.valid, ms, explanation: outcome.explanation })}\n`,
        );
      } else io.stdout(`${file}: ${outcome.line}\n`);
    }
    return exitCodeOf(verdicts);
  },
};
