// Lock workloads: each worker alternates acquire and release of one lock, holding a
// lease kept alive while it holds the lock. Two recipes:
// - 'lock': etcd's v3lock service (Lock on a lease, Unlock with the owner key);
// - 'lock-txn': the lease+txn recipe (create the lock key if absent, attached to the
//   lease; release deletes it only if it still holds our owner value). A refused
//   create is a definite `fail` (this is a try-lock).
// Op shapes, for the `lock` checker:
//   {f:'acquire', key:'lock'}                 ok value {owner, lease}
//   {f:'release', key:'lock', value:{owner, lease}}  ok value {owner, lease, released}
// A critical section runs from an acquire's ok to the same process's release invoke
// (`criticalSections()`); sections must never overlap. An acquire or release that ends
// `info` leaves the lease to expire, which is what frees the lock then.

import type { HistoryEvent } from '../checker/history.js';
import type { TimerHandle } from '../server/ports/clock.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, type Workload, type WorkloadOptions } from './workload.js';

export const lockLeaseTtlSeconds = 3;

interface Held {
  readonly owner: string;
  readonly lease: number;
  keepAlive?: TimerHandle;
}

export type LockRecipe = 'v3lock' | 'lease-txn';

export function lockWorkload(options: WorkloadOptions & { readonly recipe?: LockRecipe }): Workload {
  const recipe = options.recipe ?? 'v3lock';
  const lockName = `${options.keyPrefix}lock`;
  const held = new Map<number, Held>();
  const keepAliveMs = (lockLeaseTtlSeconds * 1000) / 3;

  const keepAlive = (state: Held, context: InvokeContext): void => {
    state.keepAlive = context.clock.setTimer(keepAliveMs, () => {
      // A failed renewal is not retried here: the next tick tries again, and if the lease
      // is gone the release records that the lock was lost.
      context.client
        .leaseKeepAlive({ id: state.lease }, { timeoutMs: context.timeoutMs })
        .catch(() => undefined);
      keepAlive(state, context);
    });
  };

  const acquire = async (context: InvokeContext): Promise<Completion> => {
    const timeout = { timeoutMs: context.timeoutMs };
    const grant = await context.client.leaseGrant({ ttlSeconds: lockLeaseTtlSeconds }, timeout);
    let owner: string;
    if (recipe === 'v3lock') {
      const response = await context.client.lock({ name: bytes(lockName), lease: grant.id }, timeout);
      owner = new TextDecoder().decode(response.key);
    } else {
      owner = `${lockName}/${grant.id.toString(16)}`;
      const response = await context.client.txn(
        {
          compare: [{ key: bytes(lockName), target: 'CREATE', createRevision: 0, result: 'EQUAL' }],
          success: [{ type: 'put', request: { key: bytes(lockName), value: bytes(owner), lease: grant.id } }],
          failure: [],
        },
        timeout,
      );
      if (!response.succeeded) {
        await context.client.leaseRevoke({ id: grant.id }, timeout).catch(() => undefined);
        return { type: 'fail', error: 'lock-held' };
      }
    }
    const state: Held = { owner, lease: grant.id };
    held.set(context.worker, state);
    keepAlive(state, context);
    return { type: 'ok', value: { owner, lease: grant.id } };
  };

  const release = async (request: OperationRequest, context: InvokeContext): Promise<Completion> => {
    const timeout = { timeoutMs: context.timeoutMs };
    const { owner, lease } = request.value as { owner: string; lease: number };
    held.get(context.worker)?.keepAlive?.cancel();
    held.delete(context.worker);
    let released = true;
    if (recipe === 'v3lock') {
      await context.client.unlock({ key: bytes(owner) }, timeout);
    } else {
      const response = await context.client.txn(
        {
          compare: [{ key: bytes(lockName), target: 'VALUE', value: bytes(owner), result: 'EQUAL' }],
          success: [{ type: 'deleteRange', request: { key: bytes(lockName) } }],
          failure: [],
        },
        timeout,
      );
      released = response.succeeded;
    }
    await context.client.leaseRevoke({ id: lease }, timeout).catch(() => undefined);
    return { type: 'ok', value: { owner, lease, released } };
  };

  return {
    name: recipe === 'v3lock' ? 'lock' : 'lock-txn',
    checker: { kind: 'checker', name: 'lock' },
    next(_random, { worker }): OperationRequest {
      const state = held.get(worker);
      if (state === undefined) return { f: 'acquire', key: 'lock' };
      return { f: 'release', key: 'lock', value: { owner: state.owner, lease: state.lease } };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      if (request.f === 'acquire') {
        // Whatever happens, this worker holds nothing we know of until the acquire is ok.
        held.get(context.worker)?.keepAlive?.cancel();
        held.delete(context.worker);
        return acquire(context);
      }
      return release(request, context);
    },
    isIdempotent: () => false,
    close(): void {
      for (const state of held.values()) state.keepAlive?.cancel();
      held.clear();
    },
  };
}

export interface CriticalSection {
  readonly process: number;
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
      startTime: start.time,
      startIndex: start.index,
      endTime: Infinity,
      endIndex: Infinity,
    });
  }
  return sections.sort((a, b) => a.startIndex - b.startIndex);
}
