// One client's hold on one etcd lock, shared by the lock workloads (lock.ts, fencing.ts):
// acquire on a fresh lease with etcd's v3lock service or with the lease+txn recipe,
// keep the lease alive while holding, release. Which lock a worker contends for: workers
// come in pairs (2i, 2i+1) per lock, and since worker w talks to node w mod n, the two
// contenders of a lock sit on different nodes, so a fault on one node leaves its rival
// free to take the lock over.

import type { TimerHandle } from '../server/ports/clock.js';
import type { LeaseId } from './client.js';
import { bytes, type InvokeContext } from './workload.js';

export type LockRecipe = 'v3lock' | 'lease-txn';

/** A lease being kept alive: the timer of its next renewal. */
export interface LeaseRenewal {
  readonly lease: LeaseId;
  keepAlive?: TimerHandle;
}

export interface LockSession {
  /** The key that names this holder (v3lock's owner key, or the txn recipe's value). */
  readonly owner: string;
  readonly lease: LeaseId;
  readonly renewal: LeaseRenewal;
}

/** Stops renewing the session's lease; it runs out within its TTL unless revoked first. */
export function stopRenewal(session: LockSession | undefined): void {
  session?.renewal.keepAlive?.cancel();
}

export type AcquireOutcome =
  | { readonly type: 'ok'; readonly session: LockSession }
  | { readonly type: 'fail'; readonly error: string };

export interface LockSessionOptions {
  readonly recipe: LockRecipe;
  readonly leaseTtlSeconds: number;
}

/** The history key of lock `index`: `lock` when there is one, else `lock/<index>`. */
export function lockKeyOf(index: number, lockCount: number): string {
  return lockCount === 1 ? 'lock' : `lock/${index}`;
}

/** The lock a worker contends for (pairs of workers per lock). */
export function lockIndexOf(worker: number, lockCount: number): number {
  return Math.floor(worker / 2) % lockCount;
}

/**
 * Grants a lease (the server picks its id; ids travel as exact decimal strings, so real
 * etcd's 63-bit ids round-trip), keeps it alive from then on (as etcd's own concurrency
 * sessions do, so waiting behind other holders cannot expire it) and takes the lock
 * named `lockName` on it. On any error the renewals stop and the lease runs out.
 */
export async function acquireLock(
  lockName: string,
  options: LockSessionOptions,
  context: InvokeContext,
): Promise<AcquireOutcome> {
  const timeout = { timeoutMs: context.timeoutMs };
  const grant = await context.client.leaseGrant({ ttlSeconds: options.leaseTtlSeconds }, timeout);
  const renewal: LeaseRenewal = { lease: grant.id };
  keepLeaseAlive(renewal, options.leaseTtlSeconds, context);
  try {
    if (options.recipe === 'v3lock') {
      const response = await context.client.lock({ name: bytes(lockName), lease: grant.id }, timeout);
      return {
        type: 'ok',
        session: { owner: new TextDecoder().decode(response.key), lease: grant.id, renewal },
      };
    }
    const owner = `${lockName}/${BigInt(grant.id).toString(16)}`;
    const response = await context.client.txn(
      {
        compare: [{ key: bytes(lockName), target: 'CREATE', createRevision: 0, result: 'EQUAL' }],
        success: [{ type: 'put', request: { key: bytes(lockName), value: bytes(owner), lease: grant.id } }],
        failure: [],
      },
      timeout,
    );
    if (!response.succeeded) {
      renewal.keepAlive?.cancel();
      await context.client.leaseRevoke({ id: grant.id }, timeout).catch(() => undefined);
      return { type: 'fail', error: 'lock-held' };
    }
    return { type: 'ok', session: { owner, lease: grant.id, renewal } };
  } catch (error) {
    renewal.keepAlive?.cancel();
    throw error;
  }
}

/** Renews the lease every third of its TTL until `renewal.keepAlive` is cancelled. */
function keepLeaseAlive(renewal: LeaseRenewal, leaseTtlSeconds: number, context: InvokeContext): void {
  const keepAliveMs = (leaseTtlSeconds * 1000) / 3;
  renewal.keepAlive = context.clock.setTimer(keepAliveMs, () => {
    // A failed renewal is not retried here: the next tick tries again, and if the lease
    // is gone by then the lock has passed on without this holder knowing, which is the
    // point of the lock workloads.
    context.client
      .leaseKeepAlive({ id: renewal.lease }, { timeoutMs: context.timeoutMs })
      .catch(() => undefined);
    keepLeaseAlive(renewal, leaseTtlSeconds, context);
  });
}

/** Unlocks (v3lock) or deletes the key if it is still ours (txn); revokes the lease. Resolves to whether the key was ours. */
export async function releaseLock(
  lockName: string,
  session: { readonly owner: string; readonly lease: LeaseId },
  recipe: LockRecipe,
  context: InvokeContext,
): Promise<boolean> {
  const timeout = { timeoutMs: context.timeoutMs };
  let released = true;
  if (recipe === 'v3lock') {
    await context.client.unlock({ key: bytes(session.owner) }, timeout);
  } else {
    const response = await context.client.txn(
      {
        compare: [{ key: bytes(lockName), target: 'VALUE', value: bytes(session.owner), result: 'EQUAL' }],
        success: [{ type: 'deleteRange', request: { key: bytes(lockName) } }],
        failure: [],
      },
      timeout,
    );
    released = response.succeeded;
  }
  await context.client.leaseRevoke({ id: session.lease }, timeout).catch(() => undefined);
  return released;
}
