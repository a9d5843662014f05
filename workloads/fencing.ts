// The lock-fencing workload: the safe way to use an etcd lock. It locks exactly as the
// lock workload does (v3lock on a lease, a long critical section), but every write the
// lock protects carries a fencing token, the lock key's create revision, which etcd
// makes unique and increasing across holders, and the protected store refuses a write
// whose token is older than one it already took: a txn that compares the fence key's
// value with the token and writes only when the token is at least as new. A holder that
// lost its lock without knowing (paused past its lease) is then fenced off instead of
// overwriting its successor's work. Each critical section: acquire, write, hold, write,
// release, so the second write is the one a lost lock makes stale.
// Op shapes, for the `fencing` checker (and the `lock` checker's spans):
//   {f:'acquire', key}                               ok value {owner, lease, token}
//   {f:'write', key, value:{owner, token}}           ok value {owner, token, written, revision}
//   {f:'hold', key, value:{owner, lease, ms}}         always ok
//   {f:'release', key, value:{owner, lease}}         ok value {owner, lease, released}
// `written` false means the fence refused the write; `revision` is the txn's revision.

import type { LeaseId } from './client.js';
import {
  acquireLock,
  type LockSession,
  lockIndexOf,
  lockKeyOf,
  releaseLock,
  stopRenewal,
} from './lock-session.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, sleep, type Workload, type WorkloadOptions } from './workload.js';

export interface FencingWorkloadOptions extends WorkloadOptions {
  readonly leaseTtlSeconds?: number;
  /** Time between the two protected writes of one critical section. Default 0. */
  readonly holdMs?: number;
  /** Independent locks, two contending workers each. Default 1. */
  readonly lockCount?: number;
}

/** Tokens are revisions written zero-padded, so etcd's byte-wise value compare orders them as numbers. */
const tokenDigits = 20;

export function tokenText(token: number): string {
  return String(token).padStart(tokenDigits, '0');
}

type Step = 'first-write' | 'hold' | 'second-write' | 'release';

interface Held {
  readonly session: LockSession;
  readonly token: number;
  step: Step;
}

const stepAfter: Record<Exclude<Step, 'release'>, Step> = {
  'first-write': 'hold',
  hold: 'second-write',
  'second-write': 'release',
};

export function fencingWorkload(options: FencingWorkloadOptions): Workload {
  const leaseTtlSeconds = options.leaseTtlSeconds ?? 3;
  const holdMs = options.holdMs ?? 0;
  const lockCount = options.lockCount ?? 1;
  const keyOf = (worker: number): string => lockKeyOf(lockIndexOf(worker, lockCount), lockCount);
  const held = new Map<number, Held>();

  const drop = (worker: number): void => {
    stopRenewal(held.get(worker)?.session);
    held.delete(worker);
  };

  const advance = (worker: number): void => {
    const state = held.get(worker);
    if (state !== undefined && state.step !== 'release') state.step = stepAfter[state.step];
  };

  const acquire = async (context: InvokeContext): Promise<Completion> => {
    const name = `${options.keyPrefix}${keyOf(context.worker)}`;
    const outcome = await acquireLock(name, { recipe: 'v3lock', leaseTtlSeconds }, context);
    if (outcome.type === 'fail') return outcome;
    // The token is the owner key's create revision: the order in which holders queued.
    const range = await context.client
      .range({ key: bytes(outcome.session.owner) }, { timeoutMs: context.timeoutMs })
      .catch((error: unknown) => {
        stopRenewal(outcome.session);
        throw error;
      });
    const token = range.kvs[0]?.createRevision;
    const value = { owner: outcome.session.owner, lease: outcome.session.lease, token };
    // The lease already ran out: the lock was lost before it could be used; just release.
    held.set(context.worker, {
      session: outcome.session,
      token: token ?? 0,
      step: token === undefined ? 'release' : 'first-write',
    });
    return { type: 'ok', value };
  };

  const write = async (request: OperationRequest, context: InvokeContext): Promise<Completion> => {
    const { owner, token } = request.value as { owner: string; token: number };
    const fence = bytes(`${options.keyPrefix}fence/${request.key}`);
    const data = bytes(`${options.keyPrefix}fenced/${request.key}`);
    const timeout = { timeoutMs: context.timeoutMs };
    const puts = [
      { type: 'put' as const, request: { key: fence, value: bytes(tokenText(token)) } },
      { type: 'put' as const, request: { key: data, value: bytes(owner) } },
    ];
    // Written when the fence's token is at most ours: value < token + 1.
    const first = await context.client.txn(
      {
        compare: [{ key: fence, target: 'VALUE', value: bytes(tokenText(token + 1)), result: 'LESS' }],
        success: puts,
        failure: [{ type: 'range', request: { key: fence } }],
      },
      timeout,
    );
    let response = first;
    const fenceRange = first.responses[0];
    if (!first.succeeded && fenceRange?.type === 'range' && fenceRange.response.kvs.length === 0) {
      // etcd's value compare is false on a missing key: the very first write creates the fence.
      response = await context.client.txn(
        {
          compare: [{ key: fence, target: 'CREATE', createRevision: 0, result: 'EQUAL' }],
          success: puts,
          failure: [],
        },
        timeout,
      );
    }
    return {
      type: 'ok',
      value: { owner, token, written: response.succeeded, revision: response.header.revision },
    };
  };

  return {
    name: 'lock-fencing',
    checker: { kind: 'checker', name: 'fencing' },
    next(_random, { worker }): OperationRequest {
      const key = keyOf(worker);
      const state = held.get(worker);
      if (state === undefined) return { f: 'acquire', key };
      const { owner, lease } = state.session;
      if (state.step === 'hold') return { f: 'hold', key, value: { owner, lease, ms: holdMs } };
      if (state.step === 'release') return { f: 'release', key, value: { owner, lease } };
      return { f: 'write', key, value: { owner, token: state.token } };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const { worker } = context;
      if (request.f === 'acquire') {
        drop(worker);
        return acquire(context);
      }
      if (request.f === 'release') {
        const session = request.value as { owner: string; lease: LeaseId };
        drop(worker);
        const released = await releaseLock(`${options.keyPrefix}${request.key}`, session, 'v3lock', context);
        return { type: 'ok', value: { ...session, released } };
      }
      if (request.f === 'hold') {
        await sleep(context.clock, holdMs);
        advance(worker);
        return { type: 'ok' };
      }
      try {
        const completion = await write(request, context);
        advance(worker);
        return completion;
      } catch (error) {
        // An unknown write ends this session; the lease runs out and frees the lock.
        drop(worker);
        throw error;
      }
    },
    isIdempotent: (f) => f === 'hold',
    close(): void {
      for (const worker of [...held.keys()]) drop(worker);
    },
  };
}
