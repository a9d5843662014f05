// What a nemesis is: a fault that starts and later stops on a cluster, choosing its
// targets from a seeded Random. It acts through `NemesisTarget` (the fault controls a
// cluster offers: the simulator's, a process cluster with Toxiproxy, a docker cluster),
// and describes every start and stop as a history record `{f, value}`, so the schedule
// can put each fault, with its targets, into the history (process "nemesis").
//
// Every control is asynchronous because on a real cluster each one is an HTTP call to
// Toxiproxy, a signal, a `docker` command or a question to a member; the simulator's
// controls settle at once (or, for membership, after virtual time passes).

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';

/** 'removed': taken out of the cluster by MemberRemove and not yet added back. */
export type MemberState = 'up' | 'paused' | 'down' | 'removed';

/**
 * A disk fault on one member:
 * - `slow-fsync`: every fsync stalls the member for `latencyMs` more;
 * - `fsync-spikes`: a fsync stalls for up to `latencyMsMax`, `perMille` of them;
 * - `fail-fsync`: the next fsync (or WAL write) fails; the member stops as etcd does
 *   on a fsync error (it panics rather than acknowledge what may not be on disk).
 */
export type DiskFault =
  | { readonly type: 'slow-fsync'; readonly latencyMs: number }
  | { readonly type: 'fsync-spikes'; readonly latencyMsMax: number; readonly perMille: number }
  | { readonly type: 'fail-fsync' };

/**
 * A clock strobe (Jepsen's strobe): the clock jumps by `deltaMs` and back every
 * `periodMs` for `durationMs`, an even number of jumps, so it ends where it began.
 */
export interface ClockStrobe {
  readonly deltaMs: number;
  readonly periodMs: number;
  readonly durationMs: number;
}

/** Jumps one strobe makes at most (a runaway period otherwise). */
export const strobeFlipsMax = 10_000;

/** The jumps a strobe makes: floor(duration / period), rounded up to even, bounded. */
export function strobeFlipsOf(strobe: ClockStrobe): number {
  const flips = Math.min(strobeFlipsMax, Math.floor(strobe.durationMs / strobe.periodMs));
  return flips + (flips % 2);
}

/**
 * A fault the system under test cannot take (real etcd's clock, a disk fault on a
 * binary without a fault-control endpoint). Thrown by a `NemesisTarget` method so the
 * run reports the fault as unsupported instead of pretending it happened.
 */
export class UnsupportedFault extends Error {
  constructor(
    readonly fault: string,
    readonly reason: string,
  ) {
    super(`unsupported fault ${fault}: ${reason}`);
    this.name = 'UnsupportedFault';
  }
}

/**
 * The fault controls a nemesis needs from a cluster. Members are numbered 1..N (slots,
 * whatever member ids the cluster gives them). Every method must settle within a
 * bounded time (its own request timeout), because the schedule waits for each one.
 */
export interface NemesisTarget {
  /** Every slot, removed ones included; fixed for the cluster's life. */
  readonly memberIds: readonly NodeId[];
  /** The member that leads now, asked of the members that are up; undefined if none knows. */
  leader(): Promise<NodeId | undefined>;
  /**
   * The member's state as the target knows it: what it did to the member last, and
   * 'down' also when the member exited on its own (etcd exits on a failed fsync), so
   * the disk nemesis and the final heal restart it.
   */
  stateOf(id: NodeId): Promise<MemberState>;
  /**
   * Kills the member at once (SIGKILL, `docker kill`): no clean shutdown. `tearLastWrite`
   * lets the simulator keep a torn prefix of unsynced bytes; real targets ignore it.
   * A member already down stays down.
   */
  crash(id: NodeId, options: { tearLastWrite?: boolean }): Promise<void>;
  /** Starts a crashed member again on its own data directory, same flags. */
  restart(id: NodeId): Promise<void>;
  /** Freezes the member (SIGSTOP, `docker pause`); only a member that is up. */
  pause(id: NodeId): Promise<void>;
  /** Undoes `pause` (SIGCONT, `docker unpause`); only a paused member. */
  resume(id: NodeId): Promise<void>;
  /**
   * Members talk only inside their own group: every directed peer link between two
   * groups is cut (both directions); links inside a group stay as they are.
   */
  partition(groups: readonly (readonly NodeId[])[]): Promise<void>;
  /** Cuts the peer link from -> to only; to -> from keeps working (a one-way partition). */
  blockLink(from: NodeId, to: NodeId): Promise<void>;
  /** Restores every peer link (partitions and blocked links). */
  heal(): Promise<void>;
  /**
   * Jumps the member's clock by `deltaMs` (negative: back). Throws UnsupportedFault when
   * the member cannot have its clock moved (real etcd: Go ignores libfaketime).
   */
  clockOffset(id: NodeId, deltaMs: number): Promise<void>;
  /**
   * Starts a clock strobe on the member and resolves once it started; the strobe runs
   * on by itself and leaves the clock where it found it. UnsupportedFault as clockOffset.
   */
  clockStrobe(id: NodeId, strobe: ClockStrobe): Promise<void>;
  /** Starts a disk fault on the member; UnsupportedFault when its binary cannot take it. */
  diskFault(id: NodeId, fault: DiskFault): Promise<void>;
  /** Ends any disk fault on the member (a member stopped by `fail-fsync` stays down). */
  clearDiskFault(id: NodeId): Promise<void>;
  /**
   * Takes the member out of the cluster with MemberRemove through the API (of the
   * leader, which may be the member itself), then stops it (etcd stops a removed member
   * itself). Rejects when the cluster refuses
   * (no quorum, not enough started members); the member is then unchanged.
   */
  removeMember(id: NodeId): Promise<void>;
  /**
   * Adds a removed slot back as a fresh member: its old data deleted, MemberAdd through
   * a current member's API (a new member id), then started with
   * initial-cluster-state=existing. Rejects when the cluster refuses; the slot then
   * stays removed.
   */
  addMember(id: NodeId): Promise<void>;
}

/** One history record of a nemesis: `start-<name>` / `stop-<name>` and its targets. */
export interface FaultRecord {
  readonly f: string;
  readonly value: unknown;
}

export interface Nemesis {
  readonly name: string;
  /**
   * True when undoing the fault needs a working cluster (adding a member back needs a
   * quorum): the final heal stops it after every member is back up and every link heals.
   */
  readonly stopNeedsQuorum?: boolean;
  /**
   * What the fault takes over exclusively ('network': its stop heals every link). Two
   * nemeses with the same resource are never in force together.
   */
  readonly resource?: string;
  /** Starts the fault; it lasts until `stop`. */
  start(target: NemesisTarget, random: Random): Promise<FaultRecord>;
  /** Undoes what the last `start` did. */
  stop(target: NemesisTarget, random: Random): Promise<FaultRecord>;
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
export async function pickTargets(
  target: NemesisTarget,
  random: Random,
): Promise<{ mode: string; nodes: NodeId[] }> {
  const minority = Math.floor((target.memberIds.length - 1) / 2);
  const choice = random.intBelow(3);
  const leader = await target.leader();
  if (choice === 0 && leader !== undefined) return { mode: 'leader', nodes: [leader] };
  if (choice === 1 && minority > 1) {
    return { mode: 'minority', nodes: pickMembers(target.memberIds, minority, random) };
  }
  return { mode: 'one', nodes: pickMembers(target.memberIds, 1, random) };
}

/** The members `among` these whose state is one of `states`, in order. */
export async function membersIn(
  target: NemesisTarget,
  query: { readonly among: readonly NodeId[]; readonly states: readonly MemberState[] },
): Promise<NodeId[]> {
  const found: NodeId[] = [];
  for (const id of query.among) if (query.states.includes(await target.stateOf(id))) found.push(id);
  return found;
}
