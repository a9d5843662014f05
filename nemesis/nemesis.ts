// What a nemesis is: a fault that starts and later stops on a cluster, choosing its
// targets from a seeded Random. It acts through `NemesisTarget` (the few fault controls
// the simulated cluster offers; a process-mode cluster can offer the same), and
// describes every start and stop as a history record `{f, value}`, so the schedule can
// put each fault, with its targets, into the history (process "nemesis").

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';

export type MemberState = 'up' | 'paused' | 'down';

/** The fault controls a nemesis needs from a cluster. */
export interface NemesisTarget {
  readonly memberIds: readonly NodeId[];
  leader(): NodeId | undefined;
  stateOf(id: NodeId): MemberState;
  crash(id: NodeId, options: { tearLastWrite?: boolean }): void;
  restart(id: NodeId): void;
  pause(id: NodeId): void;
  resume(id: NodeId): void;
  partition(groups: readonly (readonly NodeId[])[]): void;
  blockLink(from: NodeId, to: NodeId): void;
  heal(): void;
  clockOffset(id: NodeId, deltaMs: number): void;
}

/** One history record of a nemesis: `start-<name>` / `stop-<name>` and its targets. */
export interface FaultRecord {
  readonly f: string;
  readonly value: unknown;
}

export interface Nemesis {
  readonly name: string;
  /** Starts the fault; it lasts until `stop`. */
  start(target: NemesisTarget, random: Random): FaultRecord;
  /** Undoes what the last `start` did. */
  stop(target: NemesisTarget, random: Random): FaultRecord;
}

export interface NemesisSpec {
  /** Members a cluster needs for this fault to mean something. */
  readonly nodesMin: number;
  readonly create: () => Nemesis;
}

/** `count` distinct members drawn from `ids` (a seeded partial shuffle). */
export function pickMembers(ids: readonly NodeId[], count: number, random: Random): NodeId[] {
  const pool = [...ids];
  for (let i = 0; i < count && i < pool.length; i++) {
    const j = i + random.intBelow(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, Math.min(count, pool.length)).sort((left, right) => left - right);
}

/**
 * Targets for a fault on members: the leader alone, one random member, or a random
 * minority (never a majority, so the cluster can still make progress).
 */
export function pickTargets(target: NemesisTarget, random: Random): { mode: string; nodes: NodeId[] } {
  const minority = Math.floor((target.memberIds.length - 1) / 2);
  const choice = random.intBelow(3);
  const leader = target.leader();
  if (choice === 0 && leader !== undefined) return { mode: 'leader', nodes: [leader] };
  if (choice === 1 && minority > 1) {
    return { mode: 'minority', nodes: pickMembers(target.memberIds, minority, random) };
  }
  return { mode: 'one', nodes: pickMembers(target.memberIds, 1, random) };
}
