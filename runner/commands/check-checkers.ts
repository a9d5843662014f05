// The dedicated checkers `etcd-chaos check --checker NAME` runs on a history file: etcd's
// watch guarantees, lock mutual exclusion, and Elle's list-append and rw-register. Each
// gives a verdict and, when not valid, an explanation with one plain sentence first, in
// the shape `--json` prints for the linearizability checker.
import {
  checkListAppend,
  checkLock,
  checkRwRegister,
  type ElleResult,
  type History,
  type Verdict,
} from '../../checker/index.js';
import type { WatchProblem } from '../../checker/watch.js';
import { checkWatchHistory } from '../../workloads/watch-check.js';

export interface DedicatedOutcome {
  valid: Verdict;
  /** Null when valid; else why, `sentence` first. */
  explanation: ({ sentence: string } & Record<string, unknown>) | null;
  /** What was checked, for the one-line summary: "12 transactions". */
  summary: string;
}

function elleOutcome(result: ElleResult, history: History): DedicatedOutcome {
  const transactions = history.filter(
    (event) => event.type === 'invoke' && event.process !== 'nemesis',
  ).length;
  const realtime = result.realtimeChecked ? '' : ', real-time order not checked (too many transactions)';
  const summary = `${transactions} transactions${realtime}`;
  const first = result.anomalies[0];
  if (result.valid || first === undefined) return { valid: result.valid, explanation: null, summary };
  return {
    valid: false,
    explanation: {
      sentence: first.description,
      anomalies: result.anomalies,
      realtimeChecked: result.realtimeChecked,
    },
    summary,
  };
}

function lockOutcome(history: History): DedicatedOutcome {
  const result = checkLock(history);
  const acquires = history.filter((event) => event.f === 'acquire' && event.type === 'ok').length;
  const summary = `${acquires} acquires`;
  const first = result.violations[0];
  if (result.valid || first === undefined) return { valid: true, explanation: null, summary };
  return {
    valid: false,
    explanation: { sentence: first.description, violations: result.violations },
    summary,
  };
}

function watchOutcome(history: History): DedicatedOutcome {
  const result = checkWatchHistory(history);
  const details = result.details;
  const summary = `${String(details.watches)} watches, ${String(details.eventsSeen)} events`;
  if (result.valid === true) return { valid: true, explanation: null, summary };
  const problems = (details.problems ?? []) as WatchProblem[];
  const conflicts = (details.conflicts ?? []) as string[];
  const sentence =
    problems[0]?.description ??
    conflicts[0] ??
    (typeof details.why === 'string' ? details.why : 'the watch guarantees do not hold');
  return { valid: result.valid, explanation: { sentence, ...details }, summary };
}

export const dedicatedCheckers: ReadonlyMap<string, (history: History) => DedicatedOutcome> = new Map<
  string,
  (history: History) => DedicatedOutcome
>([
  ['watch', watchOutcome],
  ['lock', lockOutcome],
  ['list-append', (history) => elleOutcome(checkListAppend(history), history)],
  ['rw-register', (history) => elleOutcome(checkRwRegister(history), history)],
]);
