// Checks a watch workload history (watch.ts) with checker/'s watch checker. The KV
// history the watches are compared with is built from the writes: every acknowledged
// write is a change at the revision its response gave; a write whose outcome is unknown
// (info) becomes a change at the first revision a watcher saw it, since it may or may
// not have happened. Every watch op is a stream from its start revision, so each must be
// ordered, unique and gap-free against that KV history, and all watchers must agree on
// the event at each revision (a second, different event at a revision is `unexpected`).
// Also used by the kubernetes check, whose watches have the same shape.

import type { Verdict } from '../checker/history.js';
import { type History, type Operation, pairOperations } from '../checker/history.js';
import { checkWatch, type WatchEvent, type WatchProblem, type WatchStream } from '../checker/watch.js';
import type { RecordedEvent } from './recorder.js';
import type { WatchedEvent } from './watch-collector.js';

/** One watch event the report lists: who watched, which key, at which revision. */
export interface WatchEventReference {
  readonly process: number;
  readonly key: string;
  readonly revision: number;
  readonly description: string;
}

/** The watch checker's findings in the report's watch shape (missing and duplicated events). */
export interface WatchFindings {
  readonly valid: Verdict;
  readonly missing: WatchEventReference[];
  readonly duplicated: WatchEventReference[];
  readonly sentence: string;
}

/** A workload check's outcome: its verdict and what the report shows. */
export interface WorkloadCheckResult {
  readonly name: string;
  readonly valid: Verdict;
  readonly details: Record<string, unknown>;
  /** For checks of watches: what the report's watch section shows. */
  readonly watch?: WatchFindings;
}

/** Problems listed in a result's details; more are counted only. */
export const problemsListedMax = 50;

interface WatchOutput {
  readonly from: number;
  readonly to: number;
  readonly events: readonly WatchedEvent[];
}

function isWatchOutput(value: unknown): value is WatchOutput {
  const record = value as Partial<WatchOutput> | undefined;
  return typeof record?.from === 'number' && typeof record.to === 'number' && Array.isArray(record.events);
}

export function watchEventOf(event: WatchedEvent): WatchEvent {
  const [revision, type, key, value] = event;
  return { revision, key, type: type === 'DELETE' ? 'delete' : 'put', value };
}

/** A stream's id: the watching process and the history index of the watch's invoke. */
function streamIdOf(operation: Operation): string {
  return `process ${operation.process} op ${operation.callIndex}`;
}

/** The ok watch ops of `operations` as watch streams on the whole prefix. */
export function watchStreamsOf(operations: readonly Operation[]): WatchStream[] {
  return operations
    .filter((operation) => operation.f === 'watch' && !operation.crashed && isWatchOutput(operation.output))
    .map((operation) => {
      const output = operation.output as WatchOutput;
      return {
        id: streamIdOf(operation),
        startRevision: output.from,
        key: '',
        prefix: true,
        responses: [{ events: output.events.map(watchEventOf), headerRevision: output.to }],
      };
    });
}

/**
 * The committed changes: `known` (from acknowledged writes, by revision) plus, for each
 * revision a watcher or list saw that no acknowledged write explains, the change seen if
 * an unacknowledged write (`maybe`: key -> values) could have made it.
 */
export class ChangeLog {
  readonly byRevision = new Map<number, WatchEvent>();
  readonly conflicts: string[] = [];
  private readonly maybe = new Map<string, Set<string>>();

  known(change: WatchEvent): void {
    const earlier = this.byRevision.get(change.revision);
    if (earlier !== undefined) {
      this.conflicts.push(
        `two acknowledged writes at revision ${change.revision}: ${earlier.key} and ${change.key}`,
      );
      return;
    }
    this.byRevision.set(change.revision, change);
  }

  /** A write whose outcome is unknown: it may show up, once, at any later revision. */
  possible(key: string, value: string): void {
    let values = this.maybe.get(key);
    if (values === undefined) {
      values = new Set();
      this.maybe.set(key, values);
    }
    values.add(value);
  }

  /** A change observed by a reader: adopted if only an unknown write can explain it. */
  observed(change: WatchEvent): void {
    if (this.byRevision.has(change.revision)) return;
    const values = this.maybe.get(change.key);
    const value = String(change.value ?? '');
    // A delete's value is empty; an unknown delete is recorded under the empty value.
    if (values?.has(change.type === 'delete' ? '' : value)) {
      values.delete(change.type === 'delete' ? '' : value);
      this.byRevision.set(change.revision, change);
    }
  }

  changes(): WatchEvent[] {
    return [...this.byRevision.values()].sort((left, right) => left.revision - right.revision);
  }
}

export function summarizeProblems(problems: readonly WatchProblem[]): Record<string, unknown> {
  const byType: Record<string, number> = {};
  for (const problem of problems) byType[problem.type] = (byType[problem.type] ?? 0) + 1;
  return { problemCount: problems.length, byType, problems: problems.slice(0, problemsListedMax) };
}

/** The watch checker's problems as the report's missing and duplicated event lists. */
export function watchFindingsOf(problems: readonly WatchProblem[], log: ChangeLog): WatchFindings {
  const reference = (problem: WatchProblem): WatchEventReference => ({
    process: Number(/^process (\d+)/.exec(problem.stream)?.[1] ?? -1),
    key: log.byRevision.get(problem.revision)?.key ?? '',
    revision: problem.revision,
    description: `${problem.stream}: ${problem.description}`,
  });
  const others = problems.filter((problem) => problem.type !== 'missing' && problem.type !== 'duplicate');
  const kinds = [...new Set(others.map((problem) => problem.type))];
  return {
    valid: problems.length === 0,
    missing: problems.filter((problem) => problem.type === 'missing').map(reference),
    duplicated: problems.filter((problem) => problem.type === 'duplicate').map(reference),
    sentence:
      problems.length === 0
        ? 'Every watch was ordered, unique and gap-free, and agreed with the writes.'
        : `${problems.length} watch problems${others.length > 0 ? `, ${others.length} of them ${kinds.join(', ')} (listed in the details)` : ''}.`,
  };
}

interface WriteOutput {
  readonly value: unknown;
  readonly revision: number;
}

export function checkWatchHistory(history: readonly RecordedEvent[]): WorkloadCheckResult {
  const operations = pairOperations([...history] as History);
  const log = new ChangeLog();
  for (const operation of operations) {
    if (operation.f !== 'write' || operation.key === undefined) continue;
    if (operation.crashed) {
      log.possible(operation.key, String(operation.input));
      continue;
    }
    const output = operation.output as WriteOutput;
    log.known({ revision: output.revision, key: operation.key, type: 'put', value: String(output.value) });
  }
  const streams = watchStreamsOf(operations);
  for (const stream of streams) {
    for (const event of stream.responses[0]?.events ?? []) log.observed(event);
  }
  const { problems } = checkWatch(streams, log.changes());
  const eventsSeen = streams.reduce((sum, stream) => sum + (stream.responses[0]?.events.length ?? 0), 0);
  const valid: Verdict =
    problems.length > 0 || log.conflicts.length > 0 ? false : streams.length === 0 ? 'unknown' : true;
  return {
    name: 'watch (ordered, unique, gap-free, agreeing with the writes)',
    valid,
    details: {
      watches: streams.length,
      eventsSeen,
      changesKnown: log.byRevision.size,
      conflicts: log.conflicts.slice(0, problemsListedMax),
      ...summarizeProblems(problems),
      ...(streams.length === 0 ? { why: 'no watch completed' } : {}),
    },
    watch: watchFindingsOf(problems, log),
  };
}
