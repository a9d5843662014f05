// Reads one run directory (store/<test>/<time>/: test.json, history.jsonl, results.json)
// without ever giving up: whatever is missing or malformed becomes a Problem naming the
// file and line, and the rest is still returned so the report can show what it has.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { toEvent } from '../checker/formats/event.js';
import { FormatError } from '../checker/formats/format-error.js';
import type { History } from '../checker/history.js';
import { type Problem, problemAt } from './problem.js';
import { parseResults, type RunResults } from './results.js';

export const testFile = 'test.json';
export const historyFile = 'history.jsonl';
export const resultsFile = 'results.json';

/** Bad history lines reported one by one; past this only their count is given. */
export const historyProblemsMax = 20;

/** What the report shows from test.json; everything else in it is shown as config. */
export interface RunConfig {
  name?: string;
  sut?: string;
  sutVersion?: string;
  workload?: string;
  nemesis?: string;
  seed?: string;
  replayCommand?: string;
  /** ISO 8601 start time. */
  startTime?: string;
  /** The unit of history `time` values: "ns", "us" or "ms" (default "ms"). */
  timeUnit?: 'ns' | 'us' | 'ms';
  /** The whole test.json object. */
  raw: Record<string, unknown>;
}

export interface RunData {
  directory: string;
  config: RunConfig | undefined;
  history: History;
  /** Lines of history.jsonl that could not be read (the first historyProblemsMax of them). */
  historyLinesSkipped: number;
  results: RunResults | undefined;
  problems: Problem[];
}

type FileRead = { type: 'ok'; text: string } | { type: 'missing' } | { type: 'unreadable'; message: string };

function readText(path: string): FileRead {
  try {
    if (!statSync(path).isFile()) return { type: 'unreadable', message: 'is not a file' };
    return { type: 'ok', text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { type: 'missing' };
    return { type: 'unreadable', message: (error as Error).message };
  }
}

function stringField(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Accepts `sut` as a string or as `{ name, version }`. */
export function parseConfig(text: string, file: string): { config?: RunConfig; problems: Problem[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { problems: [problemAt(file, { message: `not JSON (${(error as Error).message})` })] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { problems: [problemAt(file, { message: 'expected a JSON object' })] };
  }
  const record = raw as Record<string, unknown>;
  const sut = record.sut;
  const sutObject = typeof sut === 'object' && sut !== null ? (sut as Record<string, unknown>) : undefined;
  const timeUnit = record.timeUnit;
  const problems: Problem[] = [];
  if (timeUnit !== undefined && timeUnit !== 'ns' && timeUnit !== 'us' && timeUnit !== 'ms') {
    problems.push(
      problemAt(file, {
        field: 'timeUnit',
        message: `expected "ns", "us" or "ms", got ${JSON.stringify(timeUnit)}`,
      }),
    );
  }
  const config: RunConfig = {
    name: stringField(record, 'name'),
    sut: sutObject === undefined ? stringField(record, 'sut') : stringField(sutObject, 'name'),
    sutVersion:
      sutObject === undefined ? stringField(record, 'sutVersion') : stringField(sutObject, 'version'),
    workload: stringField(record, 'workload'),
    nemesis: Array.isArray(record.nemesis)
      ? record.nemesis.map(String).join(', ')
      : stringField(record, 'nemesis'),
    seed: stringField(record, 'seed'),
    replayCommand: stringField(record, 'replayCommand'),
    startTime: stringField(record, 'startTime'),
    timeUnit: timeUnit === 'ns' || timeUnit === 'us' ? timeUnit : 'ms',
    raw: record,
  };
  return { config, problems };
}

/** Reads history.jsonl line by line, skipping (and reporting) lines that are not events. */
export function parseHistory(
  text: string,
  file: string,
): { history: History; problems: Problem[]; linesSkipped: number } {
  const history: History = [];
  const problems: Problem[] = [];
  let linesSkipped = 0;
  const lines = text.split('\n');
  const lastLine = text.endsWith('\n') ? -1 : lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const lineNumber = i + 1;
    let problem: Problem | undefined;
    try {
      history.push(toEvent(JSON.parse(line), { file, line: lineNumber, position: history.length }));
    } catch (error) {
      if (error instanceof FormatError) {
        problem = problemAt(file, { line: lineNumber, field: error.field, message: error.problem });
      } else {
        const truncated = i === lastLine ? 'truncated: ' : '';
        problem = problemAt(file, {
          line: lineNumber,
          message: `${truncated}not JSON (${(error as Error).message})`,
        });
      }
    }
    if (problem === undefined) continue;
    linesSkipped++;
    if (problems.length < historyProblemsMax) problems.push(problem);
  }
  if (linesSkipped > problems.length) {
    problems.push(
      problemAt(file, { message: `${linesSkipped - problems.length} more unreadable lines not listed` }),
    );
  }
  return { history, problems, linesSkipped };
}

/** Reads a run directory; never throws for missing or malformed files. */
export function readRunDir(directory: string): RunData {
  const problems: Problem[] = [];
  const fileProblem = (file: string, read: FileRead): void => {
    if (read.type === 'missing') problems.push(problemAt(file, { message: 'missing' }));
    if (read.type === 'unreadable')
      problems.push(problemAt(file, { message: `unreadable (${read.message})` }));
  };

  const testRead = readText(join(directory, testFile));
  fileProblem(testFile, testRead);
  let config: RunConfig | undefined;
  if (testRead.type === 'ok') {
    const parsed = parseConfig(testRead.text, testFile);
    config = parsed.config;
    problems.push(...parsed.problems);
  }

  const historyRead = readText(join(directory, historyFile));
  fileProblem(historyFile, historyRead);
  let history: History = [];
  let historyLinesSkipped = 0;
  if (historyRead.type === 'ok') {
    const parsed = parseHistory(historyRead.text, historyFile);
    history = parsed.history;
    historyLinesSkipped = parsed.linesSkipped;
    problems.push(...parsed.problems);
  }

  const resultsRead = readText(join(directory, resultsFile));
  fileProblem(resultsFile, resultsRead);
  let results: RunResults | undefined;
  if (resultsRead.type === 'ok') {
    const parsed = parseResults(resultsRead.text, resultsFile);
    if (parsed.type === 'ok') results = parsed.results;
    else problems.push(...parsed.problems);
  }
  return { directory, config, history, historyLinesSkipped, results, problems };
}
