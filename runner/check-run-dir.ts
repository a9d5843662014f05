// `etcd-chaos check <run dir>` (Jepsen's analyze): re-runs the checker a stored run's
// workload names on its history.jsonl, with this build's checkers, and says whether the
// verdict still matches the stored one. It writes nothing: the store's files stay as the
// run left them (a re-analysis that changed its mind is a finding to read, not to hide).

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FormatError, formats, type History, type Verdict } from '../checker/index.js';
import { workloads } from '../workloads/registry.js';
import { type CommandIo, parseInputJson, readInput, UsageError } from './commands/command.js';
import { checkRun } from './run-sim-check.js';
import { exitCodeOfVerdict, verdictWord } from './sim-run-store.js';

/** A directory holding a stored run (its test.json and history.jsonl). */
export function isRunDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'test.json'));
}

function jsonOf(text: string, file: string): Record<string, unknown> {
  const parsed = parseInputJson(text, file);
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  throw new UsageError(`${file}: expected a JSON object`);
}

export interface RunDirectoryCheck {
  readonly valid: Verdict;
  readonly storedValid: Verdict | undefined;
  readonly ms: number;
  /** One line per checker: its name, verdict and what it said. */
  readonly lines: readonly string[];
}

function sentenceOf(checker: Record<string, unknown>): string | undefined {
  if (typeof checker.sentence === 'string') return checker.sentence;
  const result = checker.result as { explanation?: { sentence?: unknown } } | undefined;
  if (typeof result?.explanation?.sentence === 'string') return result.explanation.sentence;
  const anomalies = checker.anomalies as { name?: unknown; sentence?: unknown }[] | undefined;
  if (Array.isArray(anomalies) && anomalies.length > 0) {
    return anomalies.map((anomaly) => `${anomaly.name}: ${anomaly.sentence}`).join('; ');
  }
  return undefined;
}

/** Checks one run directory; every problem with its files names the file and field. */
export async function checkRunDirectory(directory: string, io: CommandIo): Promise<RunDirectoryCheck> {
  const testFile = join(directory, 'test.json');
  const test = jsonOf(await readInput(io, testFile), testFile);
  const name = test.workload;
  if (typeof name !== 'string' || !workloads.has(name)) {
    throw new UsageError(
      `${testFile}: workload: ${JSON.stringify(name)} is not a workload; known: ${[...workloads.keys()].join(', ')}`,
    );
  }
  const historyFile = join(directory, 'history.jsonl');
  const historyText = await readInput(io, historyFile);
  const startMs = performance.now();
  let history: History;
  try {
    history = formats.get('jsonl')!.read(historyText, historyFile).history;
  } catch (error) {
    if (error instanceof FormatError) throw new UsageError(error.message);
    throw error;
  }
  const results = checkRun(workloads.get(name)!({ keyPrefix: '' }), history);
  const ms = performance.now() - startMs;
  const resultsFile = join(directory, 'results.json');
  const stored = existsSync(resultsFile) ? jsonOf(await readInput(io, resultsFile), resultsFile) : undefined;
  const storedValid = stored?.valid as Verdict | undefined;
  const lines = results.checkers.map((checker) => {
    const sentence = sentenceOf(checker as unknown as Record<string, unknown>);
    return `${checker.name}: ${verdictWord(checker.valid)}${sentence === undefined ? '' : ` — ${sentence}`}`;
  });
  return { valid: results.valid, storedValid, ms, lines };
}

/** Prints a run directory's re-analysis; returns its exit code. */
export async function printRunDirectoryCheck(
  directory: string,
  context: { io: CommandIo; json: boolean },
): Promise<number> {
  return exitCodeOfVerdict(await reportRunDirectory(directory, context));
}

/** Prints a run directory's re-analysis; returns its verdict. */
export async function reportRunDirectory(
  directory: string,
  context: { io: CommandIo; json: boolean },
): Promise<Verdict> {
  const { io, json } = context;
  const checked = await checkRunDirectory(directory, io);
  const ms = Math.round(checked.ms * 1000) / 1000;
  if (json) {
    io.stdout(
      `${JSON.stringify({ file: directory, valid: checked.valid, ms, storedValid: checked.storedValid ?? null, checkers: checked.lines })}\n`,
    );
  } else {
    const stored =
      checked.storedValid === undefined
        ? 'no stored verdict'
        : checked.storedValid === checked.valid
          ? 'same as stored'
          : `stored verdict was ${verdictWord(checked.storedValid)}`;
    io.stdout(`${directory}: ${verdictWord(checked.valid)} (${stored}, ${ms.toFixed(1)} ms)\n`);
    for (const line of checked.lines) io.stdout(`  ${line}\n`);
  }
  return checked.valid;
}
