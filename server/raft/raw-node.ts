// RawNode: the public face of the Raft state machine. The caller feeds it time
// (tick), peer messages (step) and requests (propose, readIndex, ...), and drains its
// output as Ready batches, acknowledging each with advance(). No I/O happens here.

import { assert } from '../assert.js';
import { encodeConfChange } from './conf-change.js';
import { type RaftConfig, validateRaftConfig } from './config.js';
import type { ProgressState } from './progress.js';
import { Raft, type StepResult } from './raft.js';
import { flushPendingAppends } from './replicate.js';
import {
  type ConfChange,
  type ConfState,
  type Entry,
  type HardState,
  isLocalMessage,
  type Message,
  message,
  NONE,
  type NodeId,
  type Ready,
  type SoftState,
  type StateType,
} from './types.js';

export type ProposeResult = StepResult;

export interface ProgressStatus {
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
}

export interface RaftStatus {
  readonly id: NodeId;
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lead: NodeId;
  readonly state: StateType;
  /** Only on a leader: its view of every member. */
  readonly progress?: ReadonlyMap<NodeId, ProgressStatus>;
  readonly confState: ConfState;
}

const responseTypes = new Set<Message['type']>(['appResp', 'heartbeatResp', 'voteResp', 'preVoteResp']);

export class RawNode {
  private readonly raft: Raft;
  private prevSoftState: SoftState;
  private prevHardState: HardState;
  /** The Ready handed out and not yet advanced; a second ready() before advance() is a bug. */
  private outstanding: Ready | undefined;

  /** Throws ConfigError for a configuration that cannot work. */
  constructor(config: RaftConfig) {
    const resolved = validateRaftConfig(config);
    // What storage holds is what is persisted; the first Ready persists any difference.
    this.prevHardState = resolved.storage.initialState().hardState;
    this.raft = new Raft(resolved);
    this.prevSoftState = this.raft.softState();
  }

  tick(): void {
    this.raft.tick();
  }

  /** A message from a peer. Local-only, misaddressed, stale or unknown messages are ignored. */
  step(m: Message): void {
    if (isLocalMessage(m.type) || m.to !== this.raft.id) return;
    if (responseTypes.has(m.type) && !this.raft.tracker.progress.has(m.from)) return;
    this.raft.step(m);
  }

  /** Starts an election now (a PreVote first when enabled). */
  campaign(): void {
    this.raft.step(message({ type: 'hup', from: this.raft.id, to: this.raft.id }));
  }

  /** Proposes a normal entry. 'ok' means accepted for replication, not committed. */
  propose(data: Uint8Array): ProposeResult {
    return this.raft.step(
      message({ type: 'prop', from: this.raft.id, to: this.raft.id, entries: [normalEntry(data)] }),
    );
  }

  /** Proposes a membership change; only one may be pending (unapplied) at a time. */
  proposeConfChange(change: ConfChange): ProposeResult {
    const entry: Entry = { term: 0, index: 0, type: 'confChange', data: encodeConfChange(change) };
    return this.raft.step(message({ type: 'prop', from: this.raft.id, to: this.raft.id, entries: [entry] }));
  }

  /**
   * Applies a committed membership change. The caller calls it when it applies a
   * 'confChange' entry (including the bootstrap entries of a new cluster) and stores
   * the returned ConfState with its next snapshot.
   */
  applyConfChange(change: ConfChange): ConfState {
    return this.raft.applyConfChange(change);
  }

  /**
   * Asks for a linearizable read point. The answer arrives in a later Ready.readStates
   * with the same requestContext; the read is safe once the applied index reaches it.
   * Without a known leader the request is dropped and the caller's timeout handles it.
   */
  readIndex(requestContext: Uint8Array): void {
    this.raft.step(message({ type: 'readIndex', from: NONE, to: this.raft.id, context: requestContext }));
  }

  transferLeadership(to: NodeId): void {
    this.raft.step(message({ type: 'transferLeader', from: to, to: this.raft.id }));
  }

  reportUnreachable(id: NodeId): void {
    this.raft.step(message({ type: 'unreachable', from: id, to: this.raft.id }));
  }

  reportSnapshot(id: NodeId, status: 'finish' | 'failure'): void {
    this.raft.step(message({ type: 'snapStatus', from: id, to: this.raft.id, reject: status === 'failure' }));
  }

  hasReady(): boolean {
    const raft = this.raft;
    if (raft.appendPending) return true;
    const softState = raft.softState();
    if (softState.lead !== this.prevSoftState.lead || softState.state !== this.prevSoftState.state)
      return true;
    const hardState = this.hardStateForReady();
    if (!sameHardState(hardState, this.prevHardState)) return true;
    return (
      raft.log.hasPendingSnapshot() ||
      raft.log.unstable.entries.length > 0 ||
      raft.messages.length > 0 ||
      raft.readStates.length > 0 ||
      raft.log.hasNextCommittedEntries()
    );
  }

  /**
   * The next batch of work. The contract (also on the Ready type), in order:
   *  1. Persist `snapshot` (if any), then append `entries` and save `hardState` (if any);
   *     when `mustSync` is set, make them durable (fsync) first.
   *  2. Only then send `messages`: a vote or an append acknowledgment sent before the
   *     state behind it is durable can elect two leaders or lose a committed entry
   *     after a crash (Raft paper §5.1). A leader's messages may go first (§10.2.1),
   *     and so may the 'prop' and 'readIndex' requests a follower forwards.
   *  3. Apply `committedEntries` in order; for a 'confChange' entry call applyConfChange.
   *  4. Call advance(ready) before the next ready().
   */
  ready(): Ready {
    assert(this.outstanding === undefined, 'ready() called again before advance()');
    const raft = this.raft;
    flushPendingAppends(raft);
    const softState = raft.softState();
    const hardState = this.hardStateForReady();
    const entries = raft.log.unstableEntries();
    const snapshot = raft.log.unstable.snapshot;
    const hardStateChanged = !sameHardState(hardState, this.prevHardState);
    const softStateChanged =
      softState.lead !== this.prevSoftState.lead || softState.state !== this.prevSoftState.state;
    // Assembled without object spreads: ready() runs after every step in the simulator.
    const ready: { -readonly [K in keyof Ready]: Ready[K] } = {
      readStates: raft.readStates,
      entries,
      committedEntries: raft.log.nextCommittedEntries(),
      messages: raft.messages,
      mustSync:
        entries.length > 0 ||
        snapshot !== undefined ||
        (hardStateChanged &&
          (hardState.term !== this.prevHardState.term || hardState.vote !== this.prevHardState.vote)),
    };
    if (softStateChanged) ready.softState = softState;
    if (hardStateChanged) ready.hardState = hardState;
    if (snapshot !== undefined) ready.snapshot = snapshot;
    const firstCommitted = ready.committedEntries[0];
    assert(
      firstCommitted === undefined || firstCommitted.index <= raft.log.applied + 1,
      () => `committed entries start at ${firstCommitted?.index}, after applied ${raft.log.applied}`,
    );
    if (hardStateChanged) {
      assert(
        hardState.term >= this.prevHardState.term,
        () => `hard state term went back to ${hardState.term}`,
      );
      assert(
        hardState.commit >= this.prevHardState.commit,
        () => `hard state commit went back to ${hardState.commit}`,
      );
    }
    raft.messages = [];
    raft.readStates = [];
    this.prevSoftState = softState;
    this.outstanding = ready;
    return ready;
  }

  /** Acknowledges that `ready` was persisted, sent and applied as its contract says. */
  advance(ready: Ready): void {
    assert(this.outstanding === ready, 'advance() must get the Ready returned by the last ready()');
    this.outstanding = undefined;
    const log = this.raft.log;
    if (ready.hardState !== undefined) this.prevHardState = ready.hardState;
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry !== undefined) log.stableTo(lastEntry.index, lastEntry.term);
    if (ready.snapshot !== undefined) log.stableSnapshotTo(ready.snapshot.metadata.index);
    const lastCommitted = ready.committedEntries[ready.committedEntries.length - 1];
    if (lastCommitted !== undefined) log.appliedTo(lastCommitted.index);
    else if (ready.snapshot !== undefined) log.appliedTo(ready.snapshot.metadata.index);
    this.raft.reduceUncommittedSize(ready.committedEntries);
  }

  status(): RaftStatus {
    const raft = this.raft;
    const base = {
      id: raft.id,
      term: raft.term,
      vote: raft.vote,
      commit: raft.log.committed,
      applied: raft.log.applied,
      lead: raft.lead,
      state: raft.state,
      confState: raft.tracker.confState(),
    };
    if (raft.state !== 'leader') return base;
    const progress = new Map<NodeId, ProgressStatus>();
    for (const id of raft.tracker.memberIds()) {
      const entry = raft.tracker.progress.get(id);
      if (entry === undefined) continue;
      progress.set(id, {
        match: entry.match,
        next: entry.next,
        state: entry.state,
        isLearner: entry.isLearner,
      });
    }
    return { ...base, progress };
  }

  /** The hard state a Ready carries; the forgetVoteInHardState planted bug drops new votes. */
  private hardStateForReady(): HardState {
    const hardState = this.raft.hardState();
    if (!this.raft.config.plantedBugs.forgetVoteInHardState) return hardState;
    const persistedVote = this.prevHardState.term === hardState.term ? this.prevHardState.vote : NONE;
    return { ...hardState, vote: persistedVote };
  }
}

function normalEntry(data: Uint8Array): Entry {
  return { term: 0, index: 0, type: 'normal', data };
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}
