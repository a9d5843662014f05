// Checks a lease workload history (lease.ts): keys attached to leases must live exactly
// as long as their leases. Two rules, each applied only where the history decides it:
// - alive: a read that completed before the lease could have expired must see the key,
//   carrying its lease. A lease granted or renewed by a request invoked at t lives at
//   least until t + TTL on the leader's clock (the leader saw the request after t), and
//   leader changes only extend leases. Unless revoked: any revoke invoked before the
//   read ended excuses it. Clock faults make the leader's clock jump (etcd leases trust
//   it), and a partitioned or paused old leader may still renew a lease the new leader
//   lets expire (etcd's keep-alive does not go through Raft), so windows any fault but a
//   kill touched are not judged: they would blame etcd's documented lease model.
// - gone: a read invoked more than TTL + `expiryGraceMs` after the last moment a renewal
//   could have landed must not see the key. Leader changes re-grant every lease its full
//   TTL, so windows any fault touched are not judged, and neither are keys with a renewal
//   whose outcome is unknown (it may land at any time).
// Keys whose grant did not complete ok are not judged (their put may land any time).

import type { Verdict } from '../checker/history.js';
import { type History, type Operation, pairOperations } from '../checker/history.js';
import type { LeaseId } from './client.js';
import type { RecordedEvent } from './recorder.js';
import { problemsListedMax, type WorkloadCheckResult } from './watch-check.js';

/**
 * Time an expired lease's key may still be read: the leader checks expiries every
 * tick, proposes the revoke through Raft and retries after etcd's 3 s retry interval.
 */
export const expiryGraceMs = 5_000;

interface LeaseOutput {
  readonly lease: LeaseId;
  readonly ttlSeconds: number;
}

interface Interval {
  readonly startMs: number;
  readonly endMs: number;
}

/** When faults `counted` by name were in force, from the nemesis events. */
export function faultIntervals(
  history: readonly RecordedEvent[],
  counted: (nemesis: string) => boolean,
): Interval[] {
  const intervals: Interval[] = [];
  const inForce = new Map<string, number>();
  let openSinceMs: number | undefined;
  const counts = (): number => [...inForce.values()].reduce((sum, count) => sum + count, 0);
  for (const event of history) {
    if (event.process !== 'nemesis') continue;
    const match = /^(start|stop)-(.+)$/.exec(event.f);
    const name = match?.[2];
    if (match !== null && name !== undefined) {
      if (!counted(name)) continue;
      const before = inForce.get(name) ?? 0;
      inForce.set(name, match[1] === 'start' ? before + 1 : Math.max(0, before - 1));
    } else if (event.f === 'heal') {
      inForce.clear();
    } else if (counted(event.f)) {
      // Any other nemesis event (an error, an unsupported fault) counts as a moment of fault.
      intervals.push({ startMs: event.time, endMs: event.time });
    }
    if (counts() > 0 && openSinceMs === undefined) openSinceMs = event.time;
    if (counts() === 0 && openSinceMs !== undefined) {
      intervals.push({ startMs: openSinceMs, endMs: event.time });
      openSinceMs = undefined;
    }
  }
  if (openSinceMs !== undefined) intervals.push({ startMs: openSinceMs, endMs: Number.POSITIVE_INFINITY });
  return intervals;
}

function touches(intervals: readonly Interval[], startMs: number, endMs: number): boolean {
  return intervals.some((interval) => interval.startMs <= endMs && interval.endMs >= startMs);
}

/** Everything the history says about one key's lease. */
interface LeaseLife {
  readonly key: string;
  readonly lease: LeaseId;
  readonly ttlMs: number;
  /** Invoke times of ok grant/keepalives that found the lease alive. */
  readonly renewedAtMs: number[];
  /** Latest completion (or +inf if unknown) of any renewal that may have landed. */
  lastRenewalEndMs: number;
  /** Earliest invoke of a revoke that may have happened. */
  revokedFromMs: number;
}

function leaseLives(operations: readonly Operation[]): Map<string, LeaseLife> {
  const lives = new Map<string, LeaseLife>();
  for (const operation of operations) {
    if (operation.f !== 'grant' || operation.crashed || operation.key === undefined) continue;
    const output = operation.output as LeaseOutput;
    lives.set(operation.key, {
      key: operation.key,
      lease: output.lease,
      ttlMs: output.ttlSeconds * 1000,
      renewedAtMs: [operation.callTime],
      lastRenewalEndMs: operation.returnTime,
      revokedFromMs: Number.POSITIVE_INFINITY,
    });
  }
  for (const operation of operations) {
    const life = operation.key === undefined ? undefined : lives.get(operation.key);
    if (life === undefined) continue;
    if (operation.f === 'keepalive') {
      life.lastRenewalEndMs = Math.max(life.lastRenewalEndMs, operation.returnTime);
      const output = operation.output as LeaseOutput | undefined;
      if (!operation.crashed && output !== undefined && output.ttlSeconds > 0)
        life.renewedAtMs.push(operation.callTime);
    }
    if (operation.f === 'revoke') life.revokedFromMs = Math.min(life.revokedFromMs, operation.callTime);
  }
  return lives;
}

/** The latest renewal invoked before `timeMs` (the lease's guaranteed life starts there). */
function lastRenewalBefore(life: LeaseLife, timeMs: number): number | undefined {
  let latest: number | undefined;
  for (const renewedMs of life.renewedAtMs)
    if (renewedMs <= timeMs && (latest ?? -1) < renewedMs) latest = renewedMs;
  return latest;
}

export function checkLeaseHistory(history: readonly RecordedEvent[]): WorkloadCheckResult {
  const operations = pairOperations([...history] as History);
  const lives = leaseLives(operations);
  const faultsButKills = faultIntervals(history, (nemesis) => nemesis !== 'kill');
  const anyFaults = faultIntervals(history, () => true);
  const problems: string[] = [];
  let aliveJudged = 0;
  let goneJudged = 0;
  for (const read of operations) {
    if (read.f !== 'read' || read.crashed || read.key === undefined) continue;
    const life = lives.get(read.key);
    if (life === undefined) continue;
    const seen = read.output as LeaseId | null;
    const renewedMs = lastRenewalBefore(life, read.callTime);
    const grantEndMs = operations.find((op) => op.f === 'grant' && op.key === read.key)?.returnTime;
    const afterGrant = grantEndMs !== undefined && read.callTime >= grantEndMs;
    const aliveUntilMs = renewedMs === undefined ? Number.NEGATIVE_INFINITY : renewedMs + life.ttlMs;
    if (
      afterGrant &&
      renewedMs !== undefined &&
      read.returnTime < aliveUntilMs &&
      read.returnTime < life.revokedFromMs &&
      !touches(faultsButKills, renewedMs, read.returnTime)
    ) {
      aliveJudged++;
      if (seen !== life.lease) {
        problems.push(
          `read of ${read.key} at ${read.callTime}-${read.returnTime} ms saw ${seen === null ? 'no key' : `lease ${seen}`}, but lease ${life.lease} was renewed at ${renewedMs} ms with TTL ${life.ttlMs} ms and not revoked`,
        );
      }
      continue;
    }
    const expiredAtMs = life.lastRenewalEndMs + life.ttlMs + expiryGraceMs;
    if (
      seen !== null &&
      read.callTime > expiredAtMs &&
      !touches(anyFaults, life.lastRenewalEndMs, read.callTime)
    ) {
      goneJudged++;
      problems.push(
        `read of ${read.key} at ${read.callTime} ms still saw lease ${seen}, whose last renewal ended at ${life.lastRenewalEndMs} ms with TTL ${life.ttlMs} ms (no fault since)`,
      );
    } else if (seen === null && read.callTime > expiredAtMs) {
      goneJudged++;
    }
  }
  const judged = aliveJudged + goneJudged;
  const valid: Verdict = problems.length > 0 ? false : judged === 0 ? 'unknown' : true;
  return {
    name: 'lease (keys live exactly as long as their leases)',
    valid,
    details: {
      leases: lives.size,
      readsJudgedAlive: aliveJudged,
      readsJudgedGone: goneJudged,
      problemCount: problems.length,
      problems: problems.slice(0, problemsListedMax),
      ...(judged === 0 ? { why: 'no read fell where the history decides it' } : {}),
    },
  };
}
