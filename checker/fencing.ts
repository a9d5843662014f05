// Fencing checker, for the lock-fencing workload: what a lock protects must see its
// holders one at a time even when the lock itself does not (a holder paused past its
// lease overlaps the next one; checkLock reports that, and here it is only counted).
// The protected store took a write only if its fencing token was at least the newest it
// had taken, so among accepted writes of one lock:
// - in revision order (the order etcd applied them) tokens never go down;
// - in real time, a write accepted after another accepted write had completed never
//   carries an older token than that one.
// Either broken means a stale holder got through the fence. Refused writes are the fence
// at work: each is a holder that lost its lock and was stopped.
import type { HistoryEvent } from './history.js';
import { checkLock } from './lock.js';

export interface FencedWrite {
  process: number;
  key: string | undefined;
  token: number;
  revision: number;
  invokeTime: number;
  completeTime: number;
}

export interface FencingViolation {
  kind: 'token-order' | 'real-time';
  earlier: FencedWrite;
  later: FencedWrite;
  description: string;
}

export interface FencingResult {
  valid: boolean;
  violations: FencingViolation[];
  /** Writes the fence let through and writes it refused (stale holders stopped). */
  acceptedWrites: number;
  refusedWrites: number;
  /** Overlapping critical sections of the lock itself (expected without fencing; not a violation here). */
  lockOverlaps: number;
}

export const fencingViolationsMax = 20;

interface WriteValue {
  token?: unknown;
  written?: unknown;
  revision?: unknown;
}

function writesOf(history: readonly HistoryEvent[]): { accepted: FencedWrite[]; refused: number } {
  const invokes = new Map<number, HistoryEvent>();
  const accepted: FencedWrite[] = [];
  let refused = 0;
  for (const event of history) {
    if (event.process === 'nemesis' || event.f !== 'write') continue;
    if (event.type === 'invoke') {
      invokes.set(event.process, event);
      continue;
    }
    const invoke = invokes.get(event.process);
    invokes.delete(event.process);
    if (event.type !== 'ok' || invoke === undefined) continue;
    const value = event.value as WriteValue | undefined;
    if (value?.written !== true) {
      refused++;
      continue;
    }
    if (typeof value.token !== 'number' || typeof value.revision !== 'number') continue;
    accepted.push({
      process: event.process,
      key: event.key,
      token: value.token,
      revision: value.revision,
      invokeTime: invoke.time,
      completeTime: event.time,
    });
  }
  return { accepted, refused };
}

function describeWrite(write: FencedWrite): string {
  return `process ${write.process}'s write with token ${write.token} (revision ${write.revision})`;
}

function violationsOfLock(writes: readonly FencedWrite[], violations: FencingViolation[]): void {
  const byRevision = [...writes].sort((a, b) => a.revision - b.revision);
  for (let index = 1; index < byRevision.length; index++) {
    const earlier = byRevision[index - 1]!;
    const later = byRevision[index]!;
    if (later.token < earlier.token && violations.length < fencingViolationsMax) {
      violations.push({
        kind: 'token-order',
        earlier,
        later,
        description: `${describeWrite(later)} was accepted after ${describeWrite(earlier)}: the fence let an older holder through`,
      });
    }
  }
  // Real time: keep the newest token among writes completed before each write's invoke.
  const byCompletion = [...writes].sort((a, b) => a.completeTime - b.completeTime);
  const byInvoke = [...writes].sort((a, b) => a.invokeTime - b.invokeTime);
  let newest: FencedWrite | undefined;
  let next = 0;
  for (const write of byInvoke) {
    while (next < byCompletion.length && byCompletion[next]!.completeTime < write.invokeTime) {
      const done = byCompletion[next]!;
      if (newest === undefined || done.token > newest.token) newest = done;
      next++;
    }
    if (newest !== undefined && write.token < newest.token && violations.length < fencingViolationsMax) {
      violations.push({
        kind: 'real-time',
        earlier: newest,
        later: write,
        description: `${describeWrite(write)} was accepted though ${describeWrite(newest)} had completed before it began`,
      });
    }
  }
}

export function checkFencing(history: readonly HistoryEvent[]): FencingResult {
  const { accepted, refused } = writesOf(history);
  const byLock = new Map<string | undefined, FencedWrite[]>();
  for (const write of accepted) {
    const list = byLock.get(write.key) ?? [];
    list.push(write);
    byLock.set(write.key, list);
  }
  const violations: FencingViolation[] = [];
  for (const writes of byLock.values()) violationsOfLock(writes, violations);
  return {
    valid: violations.length === 0,
    violations,
    acceptedWrites: accepted.length,
    refusedWrites: refused,
    lockOverlaps: checkLock(history).violations.length,
  };
}
