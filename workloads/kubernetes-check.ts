// Checks a kubernetes workload history (kubernetes.ts), as etcd's robustness tests do
// for this traffic: the KV history is rebuilt from the writes (each acknowledged create,
// update and delete is a change at the revision its response gave; one with an unknown
// outcome becomes a change where a reader first saw it), then
// - every watch is ordered, unique and gap-free against it (checker/'s watch checker),
// - every list at revision R shows exactly the objects the KV history holds at R, when
//   the history knows every change up to R (otherwise each listed object must still be
//   a change the history explains),
// - an optimistic update or delete acknowledged with `from` = M must have replaced the
//   key's change at revision M (the txn compared its mod revision).

import type { Verdict } from '../checker/history.js';
import { type History, type Operation, pairOperations } from '../checker/history.js';
import { checkWatch, type WatchEvent } from '../checker/watch.js';
import type { RecordedEvent } from './recorder.js';
import {
  ChangeLog,
  problemsListedMax,
  summarizeProblems,
  type WorkloadCheckResult,
  watchFindingsOf,
  watchStreamsOf,
} from './watch-check.js';

/** The revision of a fresh store before the first write (etcd starts at 1). */
export const firstRevision = 1;

interface WriteOutput {
  readonly value?: unknown;
  readonly from?: number;
  readonly revision: number;
}

interface ListOutput {
  readonly revision: number;
  readonly items: Readonly<Record<string, readonly [number, string]>>;
}

function isWrite(f: string): boolean {
  return f === 'create' || f === 'update' || f === 'delete';
}

function changeOf(operation: Operation, output: WriteOutput): WatchEvent {
  const key = operation.key ?? '';
  if (operation.f === 'delete') return { revision: output.revision, key, type: 'delete', value: '' };
  return { revision: output.revision, key, type: 'put', value: String(output.value) };
}

function changeLogOf(operations: readonly Operation[]): ChangeLog {
  const log = new ChangeLog();
  for (const operation of operations) {
    if (!isWrite(operation.f) || operation.key === undefined) continue;
    if (operation.crashed)
      log.possible(operation.key, operation.f === 'delete' ? '' : String(operation.input));
    else log.known(changeOf(operation, operation.output as WriteOutput));
  }
  return log;
}

/** The objects at `revision` if every change up to it is known, else undefined. */
function stateAt(log: ChangeLog, revision: number): Map<string, [number, string]> | undefined {
  const state = new Map<string, [number, string]>();
  for (let at = firstRevision + 1; at <= revision; at++) {
    const change = log.byRevision.get(at);
    if (change === undefined) return undefined;
    if (change.type === 'delete') state.delete(change.key);
    else state.set(change.key, [at, String(change.value)]);
  }
  return state;
}

function checkList(log: ChangeLog, operation: Operation, problems: string[]): boolean {
  const output = operation.output as ListOutput;
  const listed = Object.entries(output.items);
  const expected = stateAt(log, output.revision);
  if (expected === undefined) {
    for (const [key, [modRevision, value]] of listed) {
      const change = log.byRevision.get(modRevision);
      if (change?.key !== key || change.type !== 'put' || change.value !== value) {
        problems.push(
          `list at ${output.revision} (op ${operation.callIndex}) shows ${key}=${value} at ${modRevision}, which no write made`,
        );
      }
    }
    return false;
  }
  const shown = new Map(listed.map(([key, item]) => [key, `${item[0]}:${item[1]}`]));
  const want = new Map([...expected].map(([key, item]) => [key, `${item[0]}:${item[1]}`]));
  for (const key of new Set([...shown.keys(), ...want.keys()])) {
    if (shown.get(key) !== want.get(key)) {
      problems.push(
        `list at ${output.revision} (op ${operation.callIndex}): ${key} is ${shown.get(key) ?? 'absent'}, the writes say ${want.get(key) ?? 'absent'}`,
      );
    }
  }
  return true;
}

/** An acknowledged update/delete compared mod revision `from`: that change must be the key's latest before it. */
function checkOptimistic(log: ChangeLog, operation: Operation, problems: string[]): void {
  const output = operation.output as WriteOutput;
  if (output.from === undefined) return;
  const replaced = log.byRevision.get(output.from);
  if (replaced !== undefined && (replaced.key !== operation.key || replaced.type !== 'put')) {
    problems.push(
      `${operation.f} of ${operation.key} (op ${operation.callIndex}) replaced revision ${output.from}, which changed ${replaced.key}`,
    );
  }
  for (let at = output.from + 1; at < output.revision; at++) {
    const between = log.byRevision.get(at);
    if (between?.key === operation.key) {
      problems.push(
        `${operation.f} of ${operation.key} (op ${operation.callIndex}) compared mod revision ${output.from}, but the key changed at ${at} before its commit at ${output.revision}`,
      );
      return;
    }
  }
}

export function checkKubernetesHistory(history: readonly RecordedEvent[]): WorkloadCheckResult {
  const operations = pairOperations([...history] as History);
  const log = changeLogOf(operations);
  const streams = watchStreamsOf(operations);
  const lists = operations.filter((operation) => operation.f === 'list' && !operation.crashed);
  for (const stream of streams) {
    for (const event of stream.responses[0]?.events ?? []) log.observed(event);
  }
  for (const list of lists) {
    for (const [key, [modRevision, value]] of Object.entries((list.output as ListOutput).items))
      log.observed({ revision: modRevision, key, type: 'put', value });
  }
  const problems: string[] = [...log.conflicts];
  let listsFullyChecked = 0;
  for (const list of lists) if (checkList(log, list, problems)) listsFullyChecked++;
  for (const operation of operations) {
    if ((operation.f === 'update' || operation.f === 'delete') && !operation.crashed)
      checkOptimistic(log, operation, problems);
  }
  const watch = checkWatch(streams, log.changes());
  const failed = problems.length > 0 || watch.problems.length > 0;
  const valid: Verdict = failed ? false : streams.length === 0 && lists.length === 0 ? 'unknown' : true;
  return {
    name: 'kubernetes (watches and lists agree with the writes)',
    valid,
    details: {
      watches: streams.length,
      lists: lists.length,
      listsFullyChecked,
      changesKnown: log.byRevision.size,
      listProblemCount: problems.length,
      listProblems: problems.slice(0, problemsListedMax),
      watch: summarizeProblems(watch.problems),
    },
    watch: watchFindingsOf(watch.problems, log),
  };
}
