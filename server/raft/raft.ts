// The Raft state machine's core (Raft paper §5, etcd's raft.go in shape): the node's
// term, vote and role, the transitions between roles, ticking, the message entry point
// with the term rules every message passes, votes and membership. Starting lives in
// raft-start.ts, shipping the log in replicate.ts, and role-specific message handling
// in step-leader.ts and step-follower.ts.

import { assert } from '../assert.js';
import type { ResolvedRaftConfig } from './config.js';
import { payloadSizeBytes } from './entry-size.js';
import { RaftLog } from './raft-log.js';
import { bootstrap, restart } from './raft-start.js';
import { ReadOnlyQueue } from './read-only.js';
import { bcastAppend, bcastHeartbeat, maybeSendAppend, sendAppend } from './replicate.js';
import { stepCandidate, stepFollower } from './step-follower.js';
import { stepLeader } from './step-leader.js';
import { ProgressTracker } from './tracker.js';
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  type Message,
  message,
  NONE,
  type NodeId,
  type ReadState,
  type SoftState,
  type StateType,
} from './types.js';

export type StepResult = { type: 'ok' } | { type: 'dropped'; reason: string };
export const stepOk: StepResult = { type: 'ok' };
export function dropped(reason: string): StepResult {
  return { type: 'dropped', reason };
}

/** Marks vote requests of a leader transfer: voters answer them even inside a leader lease. */
export const transferContext = new Uint8Array([0x74, 0x72, 0x61, 0x6e, 0x73, 0x66, 0x65, 0x72]);

/** Bound on ReadIndex requests a new leader holds until it has committed an entry of its term. */
export const pendingReadIndexMessagesMax = 4096;

type OutgoingMessage = Partial<Message> & Pick<Message, 'type' | 'to'>;

const noEntries: readonly Entry[] = Object.freeze([]);

export class Raft {
  readonly id: NodeId;
  readonly config: ResolvedRaftConfig;
  term = 0;
  vote: NodeId = NONE;
  lead: NodeId = NONE;
  state: StateType = 'follower';
  isLearner = false;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  /** Outgoing messages, handed out by the next Ready. */
  messages: Message[] = [];
  /** Answered ReadIndex requests, handed out by the next Ready. */
  readStates: ReadState[] = [];
  leadTransferee: NodeId = NONE;
  /** Index of the newest conf change entry; a new one is refused while it is unapplied. */
  pendingConfIndex = 0;
  uncommittedSizeBytes = 0;
  /** New proposals wait to be broadcast together when the next Ready is built. */
  appendPending = false;
  readOnly = new ReadOnlyQueue();
  pendingReadIndexMessages: Message[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;

  constructor(config: ResolvedRaftConfig) {
    this.id = config.id;
    this.config = config;
    const storage = config.storage;
    const { hardState, confState } = storage.initialState();
    this.log = new RaftLog(storage, config.maxCommittedSizePerReadyBytes);
    this.tracker = new ProgressTracker(config.maxInflightMsgs);
    const isEmpty =
      storage.lastIndex() === 0 &&
      hardState.term === 0 &&
      confState.voters.length === 0 &&
      confState.learners.length === 0;
    if (isEmpty && config.peers.length > 0) bootstrap(this, config.peers, config.learners);
    else restart(this, hardState, confState);
    this.isLearner = this.tracker.learners.includes(this.id);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, state: this.state };
  }

  promotable(): boolean {
    return this.tracker.isVoter(this.id) && !this.log.hasPendingSnapshot();
  }

  // ---- sending ----

  send(fields: OutgoingMessage): void {
    const type = fields.type;
    let term = fields.term ?? 0;
    if (type === 'vote' || type === 'voteResp' || type === 'preVote' || type === 'preVoteResp') {
      assert(term > 0, () => `${type} must carry a term`);
    } else if (type !== 'prop' && type !== 'readIndex') {
      // Proposals and forwarded reads carry no term: they are not tied to one.
      term = this.term;
    }
    // Built field by field (no spreads): this is the hottest allocation in Raft.
    this.messages.push({
      type,
      from: fields.from || this.id,
      to: fields.to,
      term,
      logTerm: fields.logTerm ?? 0,
      index: fields.index ?? 0,
      entries: fields.entries ?? noEntries,
      commit: fields.commit ?? 0,
      reject: fields.reject ?? false,
      rejectHint: fields.rejectHint ?? 0,
      ...(fields.snapshot === undefined ? {} : { snapshot: fields.snapshot }),
      ...(fields.context === undefined ? {} : { context: fields.context }),
    });
  }

  // ---- leader bookkeeping ----

  /** Advances the commit index to what a quorum matched, if it is of the current term (§5.4.2). */
  maybeCommit(): boolean {
    return this.log.maybeCommit(
      this.tracker.committed(),
      this.term,
      this.config.plantedBugs.commitOldTermByCounting,
    );
  }

  /** Appends entries to the leader's own log, stamped with its term. */
  appendEntry(entries: readonly Entry[]): boolean {
    const lastIndex = this.log.lastIndex();
    const stamped = entries.map((entry, position) => ({
      ...entry,
      term: this.term,
      index: lastIndex + 1 + position,
    }));
    const size = payloadSizeBytes(stamped);
    if (
      this.uncommittedSizeBytes > 0 &&
      size > 0 &&
      this.uncommittedSizeBytes + size > this.config.maxUncommittedEntriesBytes
    ) {
      return false;
    }
    this.uncommittedSizeBytes += size;
    const newLastIndex = this.log.append(stamped);
    this.tracker.progress.get(this.id)?.maybeUpdate(newLastIndex);
    this.maybeCommit();
    return true;
  }

  reduceUncommittedSize(entries: readonly Entry[]): void {
    if (this.state !== 'leader') return;
    this.uncommittedSizeBytes = Math.max(0, this.uncommittedSizeBytes - payloadSizeBytes(entries));
  }

  committedEntryInCurrentTerm(): boolean {
    return this.log.maybeTerm(this.log.committed) === this.term;
  }

  /** Answers a ReadIndex request: locally through readStates, or to the follower that forwarded it. */
  respondToReadIndex(request: Message, index: number): void {
    const requestContext = request.context ?? new Uint8Array(0);
    if (request.from === NONE || request.from === this.id) {
      this.readStates.push({ index, requestContext });
      return;
    }
    this.send({ type: 'readIndexResp', to: request.from, index, context: requestContext });
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  // ---- role transitions ----

  private reset(term: number): void {
    if (this.term !== term) {
      assert(term > this.term, () => `term must not decrease: ${this.term} -> ${term}`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout =
      this.config.electionTicks + this.config.random.intBelow(this.config.electionTicks);
    this.abortLeaderTransfer();
    this.tracker.resetVotes();
    const lastIndex = this.log.lastIndex();
    for (const [id, progress] of this.tracker.progress) {
      progress.becomeProbe();
      progress.match = id === this.id ? lastIndex : 0;
      progress.next = lastIndex + 1;
      progress.recentActive = false;
    }
    this.pendingConfIndex = 0;
    this.uncommittedSizeBytes = 0;
    this.appendPending = false;
    this.readOnly = new ReadOnlyQueue();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.lead = lead;
    this.state = 'follower';
  }

  becomeCandidate(): void {
    assert(this.state !== 'leader', 'a leader cannot become a candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.state = 'candidate';
  }

  becomePreCandidate(): void {
    assert(this.state !== 'leader', 'a leader cannot become a pre-candidate');
    // A pre-election changes neither term nor vote (thesis §9.6).
    this.tracker.resetVotes();
    this.lead = NONE;
    this.state = 'preCandidate';
  }

  becomeLeader(): void {
    assert(this.state !== 'follower', 'a follower must win an election to lead');
    this.reset(this.term);
    this.lead = this.id;
    this.state = 'leader';
    this.tracker.progress.get(this.id)?.becomeReplicate();
    // Conservatively treat any unapplied tail as holding a conf change.
    this.pendingConfIndex = this.log.lastIndex();
    // §5.4.2 / §8: an empty entry of the new term lets earlier entries commit.
    const appended = this.appendEntry([{ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }]);
    assert(appended, 'the empty entry of a new leader must be accepted');
  }

  // ---- elections ----

  /** Starts an election if this node may (§5.2); `transfer` skips PreVote and the lease. */
  hup(transfer: boolean): void {
    if (this.state === 'leader' || !this.promotable() || this.hasUnappliedConfChanges()) return;
    this.campaign(this.config.preVote && !transfer ? 'preElection' : 'election', transfer);
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.applied >= this.log.committed) return false;
    const entries =
      this.log.slice(this.log.applied + 1, this.log.committed + 1, Number.MAX_SAFE_INTEGER) ?? [];
    return entries.some((entry) => entry.type === 'confChange');
  }

  campaign(kind: 'preElection' | 'election', transfer: boolean): void {
    let term: number;
    let type: 'vote' | 'preVote';
    if (kind === 'preElection') {
      this.becomePreCandidate();
      type = 'preVote';
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      type = 'vote';
      term = this.term;
    }
    if (this.poll(this.id, true) === 'won') {
      if (kind === 'preElection') this.campaign('election', transfer);
      else this.becomeLeader();
      return;
    }
    for (const id of this.tracker.voters) {
      if (id === this.id) continue;
      this.send({
        type,
        to: id,
        term,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        ...(transfer ? { context: transferContext } : {}),
      });
    }
  }

  poll(id: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes();
  }

  // ---- ticking ----

  tick(): void {
    if (this.state === 'leader') this.tickHeartbeat();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(message({ type: 'hup', from: this.id, to: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    for (const progress of this.tracker.progress.values()) {
      if (progress.state !== 'snapshot') continue;
      // Nobody reported the snapshot's fate: assume it was lost and start over.
      if (++progress.snapshotTicks >= 2 * this.config.electionTicks) {
        progress.pendingSnapshot = 0;
        progress.becomeProbe();
      }
    }
    if (this.electionElapsed >= this.config.electionTicks) {
      this.electionElapsed = 0;
      if (this.config.checkQuorum) this.step(message({ type: 'checkQuorum', from: this.id, to: this.id }));
      if (this.state === 'leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'leader') return;
    if (this.heartbeatElapsed >= this.config.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: 'beat', from: this.id, to: this.id }));
    }
  }

  // ---- the message entry point ----

  step(m: Message): StepResult {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const force = m.context !== undefined && sameBytes(m.context, transferContext);
        const inLease =
          this.config.checkQuorum && this.lead !== NONE && this.electionElapsed < this.config.electionTicks;
        // Thesis §4.2.3: a node that heard from a leader recently ignores disruptive votes.
        if (!force && inLease) return stepOk;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) {
        // A pre-vote never changes our term; a granted pre-vote carries the future term.
      } else if (m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term && m.term !== 0) {
      if ((this.config.checkQuorum || this.config.preVote) && (m.type === 'heartbeat' || m.type === 'app')) {
        // A stale leader learns our term from this and steps down.
        this.send({ type: 'appResp', to: m.from });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', to: m.from, term: this.term, reject: true });
      }
      return stepOk;
    }
    switch (m.type) {
      case 'hup':
        this.hup(false);
        return stepOk;
      case 'vote':
      case 'preVote':
        this.handleVote(m);
        return stepOk;
      default:
        switch (this.state) {
          case 'leader':
            return stepLeader(this, m);
          case 'candidate':
          case 'preCandidate':
            return stepCandidate(this, m);
          case 'follower':
            return stepFollower(this, m);
        }
    }
  }

  /** §5.2 and §5.4.1: one vote per term, only for a log at least as up-to-date as ours. */
  private handleVote(m: Message): void {
    const responseType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    const canVote =
      this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === 'preVote' && m.term > this.term);
    const logOk = this.config.plantedBugs.voteWithoutLogCheck || this.log.isUpToDate(m.index, m.logTerm);
    if (canVote && logOk) {
      this.send({ type: responseType, to: m.from, term: m.term });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: responseType, to: m.from, term: this.term, reject: true });
    }
  }

  // ---- membership ----

  /** Applies a committed conf change; a removed or demoted leader steps down. */
  applyConfChange(change: ConfChange): ConfState {
    const isNewMember = !this.tracker.progress.has(change.nodeId);
    this.tracker.apply(change, this.log.lastIndex() + 1);
    this.isLearner = this.tracker.learners.includes(this.id);
    if (this.state !== 'leader') return this.tracker.confState();
    if (!this.tracker.isVoter(this.id)) {
      // Tell the others the commit index once more, then stop leading.
      bcastHeartbeat(this);
      this.becomeFollower(this.term, NONE);
      return this.tracker.confState();
    }
    // Probe a new member at once rather than at the next heartbeat.
    if (isNewMember && change.type !== 'removeNode') sendAppend(this, change.nodeId);
    if (this.maybeCommit()) bcastAppend(this);
    else for (const id of this.tracker.memberIds()) if (id !== this.id) maybeSendAppend(this, id, false);
    if (this.leadTransferee !== NONE && !this.tracker.isVoter(this.leadTransferee))
      this.abortLeaderTransfer();
    return this.tracker.confState();
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let position = 0; position < a.byteLength; position++) if (a[position] !== b[position]) return false;
  return true;
}
