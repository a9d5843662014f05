// The shape of results.json, the file the runner writes after checking a run and the
// report reads back. The runner writes exactly this; the reader here checks it field by
// field so a hand-edited or half-written file becomes a named problem, not a crash.

import type { Verdict } from '../checker/history.js';
import type { LinearizabilityResult } from '../checker/linearizability.js';
import { type Problem, problemAt } from './problem.js';

/**
 * results.json, version 1:
 * ```
 * { "version": 1, "valid": true | false | "unknown", "checkers": [CheckerResult, ...] }
 * ```
 * `valid` is the run's verdict (false if any checker says false, else "unknown" if any
 * says unknown, else true). Each checker result carries `type`, `name` and `valid`, and
 * the details its type adds (below).
 */
export interface RunResults {
  version: 1;
  valid: Verdict;
  checkers: CheckerResult[];
}

/**
 * `checkHistory()`'s result as is, plus the model it used. JSON turns the Infinity return
 * index and time of crashed operations into null; the report does not read them.
 */
export interface LinearizabilityCheckerResult {
  type: 'linearizability';
  name: string;
  valid: Verdict;
  model: string;
  result: LinearizabilityResult;
}

/** One dependency edge between transactions (history event indexes of their invokes). */
export interface DependencyEdge {
  from: number;
  to: number;
  /** Elle's edge kinds: ww, wr, rw, plus realtime and process orders. */
  type: 'ww' | 'wr' | 'rw' | 'realtime' | 'process';
  key?: string;
}

export interface CycleAnomaly {
  /** The anomaly's name, e.g. G0, G1c, G-single, G2. */
  name: string;
  /** The cycle's edges in order; the last edge's `to` is the first edge's `from`. */
  cycle: DependencyEdge[];
  /** Short descriptions of the transactions in the cycle, by event index. */
  transactions?: Record<string, string>;
  sentence?: string;
}

export interface TransactionalCheckerResult {
  type: 'transactional';
  name: string;
  valid: Verdict;
  anomalies: CycleAnomaly[];
}

export interface WatchEventRef {
  /** The watching process. */
  process: number;
  key: string;
  revision: number;
  description?: string;
}

export interface WatchCheckerResult {
  type: 'watch';
  name: string;
  valid: Verdict;
  missing: WatchEventRef[];
  duplicated: WatchEventRef[];
  sentence?: string;
}

export interface CriticalSection {
  process: number;
  /** Times of the acquire's completion and the release's invoke, in history time. */
  acquiredTime: number;
  releasedTime: number;
  /** History event index of the acquire's invoke. */
  acquireIndex: number;
}

export interface LockCheckerResult {
  type: 'lock';
  name: string;
  valid: Verdict;
  overlaps: Array<{ lock: string; first: CriticalSection; second: CriticalSection }>;
  sentence?: string;
}

/** Any other checker: its details are shown as JSON. */
export interface OtherCheckerResult {
  type: 'other';
  name: string;
  valid: Verdict;
  details?: unknown;
}

export type CheckerResult =
  | LinearizabilityCheckerResult
  | TransactionalCheckerResult
  | WatchCheckerResult
  | LockCheckerResult
  | OtherCheckerResult;

export type ParsedResults = { type: 'ok'; results: RunResults } | { type: 'broken'; problems: Problem[] };

const checkerTypes: ReadonlySet<string> = new Set([
  'linearizability',
  'transactional',
  'watch',
  'lock',
  'other',
]);

export function isVerdict(value: unknown): value is Verdict {
  return value === true || value === false || value === 'unknown';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The list field a checker type needs, so the renderer can rely on it being an array. */
const requiredArrays: Record<string, string[]> = {
  linearizability: [],
  transactional: ['anomalies'],
  watch: ['missing', 'duplicated'],
  lock: ['overlaps'],
  other: [],
};

function checkExplanation(value: unknown, at: string, file: string): Problem[] {
  if (!isRecord(value)) return [problemAt(file, { field: at, message: 'expected an object' })];
  const problems: Problem[] = [];
  for (const field of ['sentence', 'stateAfterPrefix', 'partition']) {
    if (typeof value[field] !== 'string')
      problems.push(problemAt(file, { field: `${at}.${field}`, message: 'expected a string' }));
  }
  for (const field of ['prefix', 'prefixDescriptions', 'couldNotPlace']) {
    if (!Array.isArray(value[field]))
      problems.push(problemAt(file, { field: `${at}.${field}`, message: 'expected an array' }));
  }
  if (Array.isArray(value.couldNotPlace)) {
    value.couldNotPlace.forEach((stuck, i) => {
      if (!isRecord(stuck) || !isRecord(stuck.operation) || typeof stuck.operation.callIndex !== 'number') {
        problems.push(
          problemAt(file, {
            field: `${at}.couldNotPlace[${i}]`,
            message: 'expected { operation: { callIndex }, ... }',
          }),
        );
      }
    });
  }
  return problems;
}

function checkChecker(value: unknown, at: string, file: string): Problem[] {
  if (!isRecord(value)) return [problemAt(file, { field: at, message: 'expected an object' })];
  const problems: Problem[] = [];
  if (typeof value.type !== 'string' || !checkerTypes.has(value.type)) {
    problems.push(
      problemAt(file, { field: `${at}.type`, message: `unknown checker type ${JSON.stringify(value.type)}` }),
    );
    return problems;
  }
  if (typeof value.name !== 'string') {
    problems.push(
      problemAt(file, {
        field: `${at}.name`,
        message: `expected a string, got ${JSON.stringify(value.name)}`,
      }),
    );
  }
  if (!isVerdict(value.valid)) {
    problems.push(
      problemAt(file, {
        field: `${at}.valid`,
        message: `expected true, false or "unknown", got ${JSON.stringify(value.valid)}`,
      }),
    );
  }
  for (const field of requiredArrays[value.type] ?? []) {
    if (!Array.isArray(value[field])) {
      problems.push(problemAt(file, { field: `${at}.${field}`, message: 'expected an array' }));
    }
  }
  if (value.type === 'linearizability') {
    if (!isRecord(value.result) || !Array.isArray(value.result.partitions)) {
      problems.push(
        problemAt(file, {
          field: `${at}.result`,
          message: 'expected a linearizability result with partitions',
        }),
      );
    } else if (value.result.explanation !== undefined) {
      problems.push(...checkExplanation(value.result.explanation, `${at}.result.explanation`, file));
    }
  }
  return problems;
}

/** Reads results.json text; every problem names the file and the field (or line, for bad JSON). */
export function parseResults(text: string, file: string): ParsedResults {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      type: 'broken',
      problems: [problemAt(file, { message: `not JSON (${(error as Error).message})` })],
    };
  }
  if (!isRecord(value))
    return { type: 'broken', problems: [problemAt(file, { message: 'expected a JSON object' })] };
  const problems: Problem[] = [];
  if (value.version !== 1) {
    problems.push(
      problemAt(file, { field: 'version', message: `expected 1, got ${JSON.stringify(value.version)}` }),
    );
  }
  if (!isVerdict(value.valid)) {
    problems.push(
      problemAt(file, {
        field: 'valid',
        message: `expected true, false or "unknown", got ${JSON.stringify(value.valid)}`,
      }),
    );
  }
  if (!Array.isArray(value.checkers)) {
    problems.push(problemAt(file, { field: 'checkers', message: 'expected an array' }));
  } else {
    value.checkers.forEach((checker, i) => {
      problems.push(...checkChecker(checker, `checkers[${i}]`, file));
    });
  }
  if (problems.length > 0) return { type: 'broken', problems };
  return { type: 'ok', results: value as unknown as RunResults };
}

/** The run verdict from its checkers: any false wins, then any unknown. */
export function combineVerdicts(verdicts: Verdict[]): Verdict {
  if (verdicts.includes(false)) return false;
  if (verdicts.includes('unknown')) return 'unknown';
  return true;
}
