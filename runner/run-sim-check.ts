// How a sim run's history is judged: the workload names its checker (a model for the
// linearizability checker, or a dedicated checker), and this file runs it and puts the
// outcome into the report's results shape. Dedicated checkers: Elle's list-append and
// rw-register, the lock and fencing checkers, Jepsen's set final read, and the watch, lease and
// kubernetes checks (workloads/*-check.ts, which translate those histories for
// checker/'s watch checker and check lease lifetimes).

import { transactionsOf } from '../checker/elle/transactions.js';
import {
  checkHistory,
  checkListAppend,
  checkRwRegister,
  type ElleResult,
  models,
  realCheckerClock,
} from '../checker/index.js';
import type { RunResults } from '../reports/index.js';
import { checkKubernetesHistory } from '../workloads/kubernetes-check.js';
import { checkLeaseHistory } from '../workloads/lease-check.js';
import type { RecordedEvent } from '../workloads/recorder.js';
import { workloads } from '../workloads/registry.js';
import { checkWatchHistory, type WorkloadCheckResult } from '../workloads/watch-check.js';
import type { Workload } from '../workloads/workload.js';
import { fencingCheckerResults, lockCheckerResults } from './lock-results.js';

const checkerTimeoutMs = 60_000;

/** The dedicated checkers this runner runs, by the name a workload gives, in the report's shape. */
const dedicatedCheckers: ReadonlyMap<string, (history: readonly RecordedEvent[]) => RunResults> = new Map<
  string,
  (history: readonly RecordedEvent[]) => RunResults
>([
  ['list-append', (history) => elleResults('list-append', history, checkListAppend([...history]))],
  ['rw-register', (history) => elleResults('rw-register', history, checkRwRegister([...history]))],
  ['lock', (history) => lockCheckerResults([...history])],
  ['fencing', (history) => fencingCheckerResults([...history])],
]);

function elleResults(name: string, history: readonly RecordedEvent[], result: ElleResult): RunResults {
  return { version: 1, valid: result.valid, checkers: [transactionalResult(name, history, result)] };
}

/** Checks that read a workload's own history shape, by the checker name it gives. */
const workloadChecks: ReadonlyMap<string, (history: readonly RecordedEvent[]) => WorkloadCheckResult> =
  new Map([
    ['watch', checkWatchHistory],
    ['lease', checkLeaseHistory],
    ['kubernetes', checkKubernetesHistory],
  ]);

/**
 * Elle's anomalies in the report's transactional shape: cycle edges name transactions by
 * the history index of their invoke, so the report can point at them on the timeline.
 */
function transactionalResult(
  name: string,
  history: readonly RecordedEvent[],
  result: ElleResult,
): RunResults['checkers'][number] {
  const transactions = transactionsOf([...history]);
  const invokeOf = (id: number): number => transactions[id]?.invokeIndex ?? id;
  return {
    type: 'transactional',
    name,
    valid: result.valid,
    anomalies: result.anomalies.map((anomaly) =>
      'cycle' in anomaly
        ? {
            name: anomaly.type,
            cycle: anomaly.cycle.map((edge) => ({
              from: invokeOf(edge.from),
              to: invokeOf(edge.to),
              type: edge.kind,
            })),
            sentence: anomaly.description,
          }
        : { name: anomaly.type, cycle: [], sentence: anomaly.description },
    ),
  };
}

/** Workloads whose checker this runner can run: every registered one whose checker exists. */
export function supportedWorkloads(): string[] {
  return [...workloads.keys()].filter((name) => {
    const checker = workloads.get(name)!({ keyPrefix: '' }).checker;
    if (checker.kind === 'model') return models.has(checker.model);
    return dedicatedCheckers.has(checker.name) || workloadChecks.has(checker.name);
  });
}

/** Elements listed in a set check's details; more are counted only. */
const setDetailsMax = 50;

/**
 * Jepsen's set checker: every acknowledged add must be in the final read, and the read
 * holds nothing that was never added. (Checking the set model for linearizability
 * would also do, but its search grows with the thousands of concurrent adds.)
 */
export function checkSetFinalRead(history: readonly RecordedEvent[]): RunResults {
  const attempted = new Set<unknown>();
  const acknowledged: unknown[] = [];
  let finalRead: readonly unknown[] | undefined;
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.f === 'add' && event.type === 'invoke') attempted.add(event.value);
    if (event.f === 'add' && event.type === 'ok') acknowledged.push(event.value);
    if (event.f === 'read' && event.type === 'ok' && Array.isArray(event.value)) finalRead = event.value;
  }
  const read = new Set(finalRead ?? []);
  const lost = acknowledged.filter((element) => !read.has(element));
  const unexpected = [...read].filter((element) => !attempted.has(element));
  const valid = finalRead === undefined ? 'unknown' : lost.length === 0 && unexpected.length === 0;
  const details = {
    attempted: attempted.size,
    acknowledged: acknowledged.length,
    read: finalRead === undefined ? 'no final read succeeded' : read.size,
    lost: lost.slice(0, setDetailsMax),
    lostCount: lost.length,
    unexpected: unexpected.slice(0, setDetailsMax),
    unexpectedCount: unexpected.length,
  };
  return { version: 1, valid, checkers: [{ type: 'other', name: 'set (final read)', valid, details }] };
}

/** Runs the workload's checker on `history`. */
export function checkRun(workload: Workload, history: readonly RecordedEvent[]): RunResults {
  if (workload.checker.kind === 'checker') {
    const name = workload.checker.name;
    const workloadCheck = workloadChecks.get(name);
    if (workloadCheck !== undefined) {
      const result = workloadCheck(history);
      const checkers: RunResults['checkers'] = [];
      // Watch findings also get the report's watch section (missing and duplicated events).
      if (result.watch !== undefined) {
        const { valid, missing, duplicated, sentence } = result.watch;
        checkers.push({ type: 'watch', name: 'watch events', valid, missing, duplicated, sentence });
      }
      checkers.push({ type: 'other', name: result.name, valid: result.valid, details: result.details });
      return { version: 1, valid: result.valid, checkers };
    }
    const check = dedicatedCheckers.get(name);
    if (check === undefined) throw new Error(`no checker ${name} for ${workload.name}`);
    return check(history);
  }
  const model = workload.checker.model;
  if (model === 'set') return checkSetFinalRead(history);
  const result = checkHistory([...history], {
    model,
    clock: realCheckerClock,
    timeoutMs: checkerTimeoutMs,
  });
  return {
    version: 1,
    valid: result.valid,
    checkers: [
      { type: 'linearizability', name: `linearizable ${model}`, valid: result.valid, model, result },
    ],
  };
}
