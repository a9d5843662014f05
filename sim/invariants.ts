// The safety properties of Raft (paper §5.2-5.4, Figure 3), checked against what the
// hosts observe: election safety (one leader per term), log matching, leader
// completeness and state machine safety. Cheap checks run on every event that could
// break them; the pairwise log comparison runs between schedule steps. Liveness (every
// acknowledged proposal applied everywhere after healing) is checked by the schedule
// runner, which owns the notion of "healed".

import type { Entry, NodeId, StateType } from '../server/raft/types.js';
import type { HostObserver, NodeHost } from './node-host.js';
import { entryFingerprint } from './state-machine.js';

export type InvariantName =
  | 'electionSafety'
  | 'logMatching'
  | 'leaderCompleteness'
  | 'stateMachineSafety'
  | 'liveness';

export const invariantNames: readonly InvariantName[] = [
  'electionSafety',
  'logMatching',
  'leaderCompleteness',
  'stateMachineSafety',
  'liveness',
];

export interface Violation {
  readonly invariant: InvariantName;
  readonly message: string;
  readonly timeMs: number;
}

/** Terms must fit the (index, term) key packing below; a run with more is runaway. */
const termsMax = 1 << 20;

export class InvariantMonitor implements HostObserver {
  readonly checks: Record<InvariantName, number> = {
    electionSafety: 0,
    logMatching: 0,
    leaderCompleteness: 0,
    stateMachineSafety: 0,
    liveness: 0,
  };
  violation: Violation | undefined;
  private readonly leaderOfTerm = new Map<number, NodeId>();
  /** Fingerprint of the entry written at (index, term) by anyone: one entry per slot. */
  private readonly entryAt = new Map<number, number>();
  /** Per index, what the first node to apply it applied, and the state hash after it. */
  private readonly appliedTerm: number[] = [];
  private readonly appliedFingerprint: number[] = [];
  private readonly appliedStateHash: number[] = [];
  /** The highest term any node had when the index was first applied: the commit was at or below it. */
  private readonly termAtFirstApply: number[] = [];
  private maxAppliedIndex = 0;

  constructor(
    private readonly hosts: () => readonly NodeHost[],
    private readonly nowMs: () => number,
  ) {}

  /** Highest index any node applied (acknowledged as committed). */
  highestApplied(): number {
    return this.maxAppliedIndex;
  }

  fail(invariant: InvariantName, message: string): void {
    if (this.violation === undefined) this.violation = { invariant, message, timeMs: this.nowMs() };
  }

  onEntriesPersisted(host: NodeHost, entries: readonly Entry[]): void {
    this.checks.logMatching++;
    for (const entry of entries) {
      if (entry.term >= termsMax) {
        this.fail('logMatching', `term ${entry.term} exceeds ${termsMax}`);
        return;
      }
      const key = entry.index * termsMax + entry.term;
      const fingerprint = entryFingerprint(entry);
      const known = this.entryAt.get(key);
      if (known === undefined) this.entryAt.set(key, fingerprint);
      else if (known !== fingerprint) {
        this.fail(
          'logMatching',
          `node ${host.id} holds a different entry at index ${entry.index} term ${entry.term}`,
        );
      }
      // An entry of a term above the one that committed index i must agree with the committed
      // entry: its leader lacked a committed entry otherwise (§5.4). A stale leader of a lower
      // term may still write a conflicting entry there; it is truncated later.
      const committedTerm = this.appliedTerm[entry.index];
      const committedBy = this.termAtFirstApply[entry.index];
      if (
        committedTerm !== undefined &&
        committedBy !== undefined &&
        entry.term > committedBy &&
        (committedTerm !== entry.term || this.appliedFingerprint[entry.index] !== fingerprint)
      ) {
        this.fail(
          'leaderCompleteness',
          `node ${host.id} overwrote the entry committed at index ${entry.index} (term ${committedTerm}) with one of term ${entry.term}`,
        );
      }
    }
  }

  onRole(host: NodeHost, state: StateType, term: number): void {
    if (state !== 'leader') return;
    this.checks.electionSafety++;
    const leader = this.leaderOfTerm.get(term);
    if (leader !== undefined && leader !== host.id) {
      this.fail('electionSafety', `nodes ${leader} and ${host.id} are both leader of term ${term}`);
      return;
    }
    this.leaderOfTerm.set(term, host.id);
    this.checkLeaderCompleteness(host, term);
  }

  /** A new leader's log holds every entry committed in an earlier term (§5.4). */
  private checkLeaderCompleteness(host: NodeHost, term: number): void {
    this.checks.leaderCompleteness++;
    const log = host.log;
    for (let index = log.snapshotIndex + 1; index <= this.maxAppliedIndex; index++) {
      const committedBy = this.termAtFirstApply[index];
      if (committedBy === undefined || committedBy >= term) continue;
      if (
        log.term(index) !== this.appliedTerm[index] ||
        log.fingerprint(index) !== this.appliedFingerprint[index]
      ) {
        this.fail(
          'leaderCompleteness',
          `node ${host.id} became leader of term ${term} without the entry committed at index ${index} (term ${this.appliedTerm[index]})`,
        );
        return;
      }
    }
  }

  onApply(host: NodeHost, entry: Entry, fingerprint: number): void {
    this.checks.stateMachineSafety++;
    const index = entry.index;
    const term = this.appliedTerm[index];
    if (term === undefined) {
      this.appliedTerm[index] = entry.term;
      this.appliedFingerprint[index] = fingerprint;
      this.appliedStateHash[index] = host.stateMachine.stateHash;
      this.termAtFirstApply[index] = this.highestTerm();
      if (index > this.maxAppliedIndex) this.maxAppliedIndex = index;
      return;
    }
    if (term !== entry.term || this.appliedFingerprint[index] !== fingerprint) {
      this.fail(
        'stateMachineSafety',
        `node ${host.id} applied term ${entry.term} at index ${index} where another node applied term ${term}`,
      );
      return;
    }
    if (this.appliedStateHash[index] !== host.stateMachine.stateHash) {
      this.fail('stateMachineSafety', `node ${host.id} reached a different state at index ${index}`);
    }
  }

  onSnapshotRestored(host: NodeHost, index: number, term: number): void {
    this.checks.stateMachineSafety++;
    const known = this.appliedStateHash[index];
    if (known !== undefined && (known !== host.stateMachine.stateHash || this.appliedTerm[index] !== term)) {
      this.fail(
        'stateMachineSafety',
        `node ${host.id} restored a snapshot at index ${index} with a different state`,
      );
    }
  }

  onAcknowledged(): void {}

  /** Log matching (§5.3) across every pair of live logs: equal (index, term) means equal prefixes. */
  checkLogs(): void {
    this.checks.logMatching++;
    const hosts = this.hosts().filter((host) => host.status !== 'crashed');
    for (let a = 0; a < hosts.length; a++) {
      for (let b = a + 1; b < hosts.length; b++) {
        const message = compareLogs(hosts[a]!, hosts[b]!);
        if (message !== undefined) {
          this.fail('logMatching', message);
          return;
        }
      }
    }
  }

  private highestTerm(): number {
    let term = 0;
    for (const host of this.hosts()) if (host.term > term) term = host.term;
    return term;
  }
}

function compareLogs(a: NodeHost, b: NodeHost): string | undefined {
  const from = Math.max(a.log.snapshotIndex, b.log.snapshotIndex) + 1;
  let index = Math.min(a.log.lastIndex(), b.log.lastIndex());
  while (index >= from && a.log.term(index) !== b.log.term(index)) index--;
  for (; index >= from; index--) {
    if (a.log.term(index) !== b.log.term(index) || a.log.fingerprint(index) !== b.log.fingerprint(index)) {
      return `nodes ${a.id} and ${b.id} agree on a later entry but differ at index ${index}`;
    }
  }
  return undefined;
}
