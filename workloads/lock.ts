// Lock workloads (Jepsen's etcd lock test): each worker acquires a lock on a lease kept
// alive while it holds it, works inside the critical section for `holdMs` (a local
// sleep, as real work would be: the holder does not ask etcd whether it still holds the
// lock), and releases. Two recipes:
// - 'lock': etcd's v3lock service (Lock on a lease, Unlock with the owner key);
// - 'lock-txn': the lease+txn recipe (create the lock key if absent, attached to the
//   lease; release deletes it only if it still holds our owner value). A refused
//   create is a definite `fail` (this is a try-lock).
// Op shapes, for the `lock` checker (key `lock`, or `lock/<i>` with several locks):
//   {f:'acquire', key}                          ok value {owner, lease}
//   {f:'hold', key, value:{owner, lease, ms}}    always ok (a local sleep)
//   {f:'release', key, value:{owner, lease}}    ok value {owner, lease, released}
// A critical section runs from an acquire's ok to the same process's release invoke
// (`criticalSections()`); sections of one lock must never overlap. A holder whose node
// is paused, killed or cut off past its lease TTL loses the lock without knowing it,
// the next holder takes it, and the two sections overlap: Jepsen's 2020 finding that
// etcd locks are not safe without fencing (fencing.ts shows the safe pattern).

import type { HistoryEvent } from '../checker/history.js';
import type { LeaseId } from './client.js';
import {
  acquireLock,
  type LockRecipe,
  type LockSession,
  lockIndexOf,
  lockKeyOf,
  releaseLock,
  stopRenewal,
} from './lock-session.js';
import type { Completion, OperationRequest } from './recorder.js';
import { type InvokeContext, sleep, type Workload, type WorkloadOptions } from './workload.js';

export type { LockRecipe };

export interface LockWorkloadOptions extends WorkloadOptions {
  /** Default 'v3lock'. */
  readonly recipe?: LockRecipe;
  /** The lease each acquire is granted. Default 3 s. */
  readonly leaseTtlSeconds?: number;
  /** Time spent inside each critical section before releasing. Default 0 (release at once). */
  readonly holdMs?: number;
  /** Independent locks, two contending workers each. Default 1. */
  readonly lockCount?: number;
}

export const lockLeaseTtlSecondsDefault = 3;

interface Held {
  readonly session: LockSession;
  /** True once the hold op ran (or when there is none): the next op releases. */
  held: boolean;
}

export function lockWorkload(options: LockWorkloadOptions): Workload {
  const recipe = options.recipe ?? 'v3lock';
  const leaseTtlSeconds = options.leaseTtlSeconds ?? lockLeaseTtlSecondsDefault;
  const holdMs = options.holdMs ?? 0;
  const lockCount = options.lockCount ?? 1;
  const sessionOptions = { recipe, leaseTtlSeconds };
  const lockNameOf = (worker: number): string =>
    `${options.keyPrefix}${lockKeyOf(lockIndexOf(worker, lockCount), lockCount)}`;
  const held = new Map<number, Held>();

  const drop = (worker: number): void => {
    stopRenewal(held.get(worker)?.session);
    held.delete(worker);
  };

  const acquire = async (context: InvokeContext): Promise<Completion> => {
    const outcome = await acquireLock(lockNameOf(context.worker), sessionOptions, context);
    if (outcome.type === 'fail') return outcome;
    held.set(context.worker, { session: outcome.session, held: holdMs === 0 });
    return { type: 'ok', value: { owner: outcome.session.owner, lease: outcome.session.lease } };
  };

  const release = async (request: OperationRequest, context: InvokeContext): Promise<Completion> => {
    const session = request.value as { owner: string; lease: LeaseId };
    drop(context.worker);
    const released = await releaseLock(lockNameOf(context.worker), session, recipe, context);
    return { type: 'ok', value: { ...session, released } };
  };

  return {
    name: (recipe === 'v3lock' ? 'lock' : 'lock-txn') + (holdMs > 0 ? '-hold' : ''),
    checker: { kind: 'checker', name: 'lock' },
    next(_random, { worker }): OperationRequest {
      const key = lockKeyOf(lockIndexOf(worker, lockCount), lockCount);
      const state = held.get(worker);
      if (state === undefined) return { f: 'acquire', key };
      const { owner, lease } = state.session;
      if (!state.held) return { f: 'hold', key, value: { owner, lease, ms: holdMs } };
      return { f: 'release', key, value: { owner, lease } };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      if (request.f === 'acquire') {
        // Whatever happens, this worker holds nothing we know of until the acquire is ok.
        drop(context.worker);
        return acquire(context);
      }
      if (request.f === 'hold') {
        await sleep(context.clock, holdMs);
        const state = held.get(context.worker);
        if (state !== undefined) state.held = true;
        return { type: 'ok' };
      }
      return release(request, context);
    },
    isIdempotent: (f) => f === 'hold',
    close(): void {
      for (const worker of [...held.keys()]) drop(worker);
    },
  };
}

export interface CriticalSection {
  readonly process: number;
  /** The lock's history key. */
  readonly key: string | undefined;
  /** Time and index of the acquire's ok. */
  readonly startTime: number;
  readonly startIndex: number;
  /** Time and index of the release's invoke; Infinity when never released. */
  readonly endTime: number;
  readonly endIndex: number;
}

/** The critical sections of a lock history, in acquire order. */
export function criticalSections(history: readonly HistoryEvent[]): CriticalSection[] {
  const open = new Map<number, HistoryEvent>();
  const sections: CriticalSection[] = [];
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.f === 'acquire' && event.type === 'ok') open.set(event.process, event);
    if (event.f === 'release' && event.type === 'invoke') {
      const start = open.get(event.process);
      if (start === undefined) continue;
      open.delete(event.process);
      sections.push({
        process: event.process,
        key: start.key,
        startTime: start.time,
        startIndex: start.index,
        endTime: event.time,
        endIndex: event.index,
      });
    }
  }
  for (const [process, start] of open) {
    sections.push({
      process,
      key: start.key,
      startTime: start.time,
      startIndex: start.index,
      endTime: Infinity,
      endIndex: Infinity,
    });
  }
  return sections.sort((a, b) => a.startIndex - b.startIndex);
}
