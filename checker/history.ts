// The history vocabulary shared by workloads, checkers and reports (DESIGN.md
// "Histories and results"): one event per line, Jepsen's invoke/ok/fail/info, and the
// operations the checkers search over, made by pairing each invoke with its completion.

export type EventType = 'invoke' | 'ok' | 'fail' | 'info';

/** A client process number, or "nemesis" for fault events. */
export type Process = number | 'nemesis';

export interface HistoryEvent {
  index: number;
  /** Client-observed time in any monotonic unit (ms or ns); only its order matters here. */
  time: number;
  process: Process;
  type: EventType;
  f: string;
  key?: string;
  value?: unknown;
}

export type History = HistoryEvent[];

/**
 * One client operation: an invoke paired with its `ok` or `info` completion. `fail`
 * operations did not happen and never become operations. A crashed (`info`) operation
 * may take effect at any time after its invoke, or never: its return is at +infinity
 * and its output is unknown.
 */
export interface Operation {
  id: number;
  process: number;
  f: string;
  key: string | undefined;
  /** The invoke's value: what the client asked for. */
  input: unknown;
  /** The completion's value; undefined when `crashed`. */
  output: unknown;
  crashed: boolean;
  /** Positions in the history (event indexes); a crashed op returns at Infinity. */
  callIndex: number;
  returnIndex: number;
  callTime: number;
  returnTime: number;
}

/** Three-valued verdict, as in Jepsen and Porcupine. */
export type Verdict = true | false | 'unknown';

/** Thrown for histories that are not well formed (a second invoke on a busy process). */
export class HistoryError extends Error {
  constructor(
    message: string,
    readonly eventIndex: number,
    readonly field: string,
  ) {
    super(message);
    this.name = 'HistoryError';
  }
}

/**
 * Pairs invokes with completions per process. Nemesis events and `fail` operations are
 * dropped; invokes left open at the end of the history are crashed (Jepsen treats a
 * process that never completes as indeterminate).
 */
export function pairOperations(history: History): Operation[] {
  // Each operation is made at its invoke, so the list comes out in call order with no
  // sort when the history is in index order (as written); completions fill them in.
  // The open operation of each busy process (its invoke is at its callIndex).
  const open = new Map<number, Operation>();
  const made: Operation[] = [];
  const failed = new Set<Operation>();
  let inIndexOrder = true;
  let lastCallIndex = Number.NEGATIVE_INFINITY;
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    const pending = open.get(event.process);
    if (event.type === 'invoke') {
      if (pending !== undefined) {
        throw new HistoryError(
          `process ${event.process} invoked again at index ${event.index} while its invoke at index ${pending.callIndex} was still open`,
          event.index,
          'type',
        );
      }
      // Crashed until a completion says otherwise: an invoke left open at the end is indeterminate.
      const operation: Operation = {
        id: made.length,
        process: event.process,
        f: event.f,
        key: event.key,
        input: event.value,
        output: undefined,
        crashed: true,
        callIndex: event.index,
        returnIndex: Number.POSITIVE_INFINITY,
        callTime: event.time,
        returnTime: Number.POSITIVE_INFINITY,
      };
      if (event.index < lastCallIndex) inIndexOrder = false;
      lastCallIndex = event.index;
      made.push(operation);
      open.set(event.process, operation);
      continue;
    }
    if (pending === undefined) {
      // Jepsen logs info completions without an invoke for some client errors; they changed nothing we know of.
      if (event.type === 'info') continue;
      throw new HistoryError(
        `process ${event.process} completed (${event.type}) at index ${event.index} without an open invoke`,
        event.index,
        'type',
      );
    }
    open.delete(event.process);
    if (event.type === 'fail') failed.add(pending);
    else if (event.type === 'ok') {
      const operation = pending;
      operation.crashed = false;
      operation.output = event.value;
      operation.returnIndex = event.index;
      operation.returnTime = event.time;
    }
  }
  const operations = failed.size === 0 ? made : made.filter((operation) => !failed.has(operation));
  if (!inIndexOrder) operations.sort((a, b) => a.callIndex - b.callIndex);
  for (let i = 0; i < operations.length; i++) operations[i]!.id = i;
  return operations;
}
