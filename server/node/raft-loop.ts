// The node's Raft loop: the one place that works a RawNode's Ready batches, in the order
// the Ready contract demands — persist (snapshot, entries, hard state; fsync when
// mustSync), and only then send the messages, apply the committed entries and hand out
// the read states — before advance(). One exception, the one etcd's server makes (Raft
// thesis §10.2.1): a leader sends its messages first, so the followers write and fsync
// the new entries while the leader fsyncs its own. Ticks come from the node's Clock.
// Work is coalesced: everything that arrives in one turn of the event loop (client
// proposals, peer messages) is handled by a single Ready, so concurrent requests share
// one append and one fsync (bench:server alone switches that off, to measure it).
//
// State-machine restarts come from the durable state alone: the newest snapshot's data is
// restored and the committed log after it is applied again.

import { assert } from '../assert.js';
import type { RaftPersistence } from '../persistence.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import type { Transport } from '../ports/transport.js';
import { decodeConfChange } from '../raft/conf-change.js';
import type { PlantedBugs } from '../raft/config.js';
import { type ProposeResult, type RaftStatus, RawNode } from '../raft/raw-node.js';
import { MemoryStorage } from '../raft/storage.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  Message,
  NodeId,
  ReadState,
  Ready,
  SoftState,
} from '../raft/types.js';

export interface RaftLoopOptions {
  readonly id: NodeId;
  /** Voters of a brand-new cluster (ignored on restart). */
  readonly peers: readonly NodeId[];
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly persistence: RaftPersistence;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  /** Applied entries between two snapshots (etcd's --snapshot-count). */
  readonly snapshotEntries: number;
  /** Entries kept behind a snapshot for slow followers (etcd's catch-up entries). */
  readonly snapshotCatchUpEntries: number;
  readonly plantedBugs?: PlantedBugs;
  /**
   * False works every event (proposal, peer message) in a Ready of its own, so each
   * proposal pays its own append and fsync. Only for measuring what batching buys.
   * Default: the process-wide default below (true).
   */
  readonly proposalBatching?: boolean;
}

let proposalBatchingDefault = true;

/**
 * Turns proposal batching off for every RaftLoop created afterwards in this process. Only
 * bench:server's unbatched etcd-ts entry calls it, to measure what batching buys.
 */
export function disableProposalBatchingForBenchmark(): void {
  proposalBatchingDefault = false;
}

/** What the loop asks of the state machine above it. */
export interface RaftLoopHandlers {
  /** A committed normal entry, in log order. */
  applyEntry(entry: Entry, term: number): void;
  /** A committed membership change, after Raft took it into account. */
  applyConfChange(change: ConfChange, confState: ConfState): void;
  /** Replace the whole state with a snapshot's data (restart or InstallSnapshot). */
  restoreSnapshot(data: Uint8Array): void;
  /** The state machine's state now, for a snapshot at the applied index. */
  takeSnapshot(): Uint8Array;
  /** The applied index moved (after a Ready's entries or a snapshot were applied). */
  onApplied(appliedIndex: number): void;
  onReadStates(states: readonly ReadState[]): void;
  onSoftState(state: SoftState): void;
}

export class RaftLoop {
  private readonly raft: RawNode;
  private readonly storage = new MemoryStorage();
  private tickTimer: TimerHandle | undefined;
  private processTimer: TimerHandle | undefined;
  private stopped = false;
  private appliedIndex = 0;
  private snapshotIndex = 0;
  private confState: ConfState = { voters: [], learners: [] };
  /** The role of the last soft state seen: decides whether messages may precede the fsync. */
  private leading = false;
  private readonly batching: boolean;
  private working = false;

  constructor(
    private readonly options: RaftLoopOptions,
    private readonly handlers: RaftLoopHandlers,
  ) {
    this.batching = options.proposalBatching ?? proposalBatchingDefault;
    const durable = options.persistence.load();
    if (durable.snapshot !== undefined) {
      this.storage.applySnapshot(durable.snapshot);
      this.snapshotIndex = this.appliedIndex = durable.snapshot.metadata.index;
      this.confState = durable.snapshot.metadata.confState;
      if (durable.snapshot.data.length > 0) handlers.restoreSnapshot(durable.snapshot.data);
    }
    this.storage.setHardState(durable.hardState);
    this.storage.append(durable.entries);
    this.raft = new RawNode({
      id: options.id,
      peers: options.peers,
      storage: this.storage,
      random: options.random,
      applied: this.appliedIndex,
      electionTicks: options.electionTicks,
      heartbeatTicks: options.heartbeatTicks,
      ...(options.plantedBugs ? { plantedBugs: options.plantedBugs } : {}),
    });
    options.transport.onReceive((message) => {
      if (this.stopped) return;
      this.raft.step(message);
      this.schedule();
    });
  }

  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.raft.tick();
      this.process();
      this.tickTimer = this.options.clock.setTimer(this.options.tickMs, tick);
    };
    this.tickTimer = this.options.clock.setTimer(this.options.tickMs, tick);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.tickTimer?.cancel();
    this.processTimer?.cancel();
  }

  get applied(): number {
    return this.appliedIndex;
  }

  status(): RaftStatus {
    return this.raft.status();
  }

  propose(data: Uint8Array): ProposeResult {
    const result = this.raft.propose(data);
    this.schedule();
    return result;
  }

  proposeConfChange(change: ConfChange): ProposeResult {
    const result = this.raft.proposeConfChange(change);
    this.schedule();
    return result;
  }

  readIndex(requestContext: Uint8Array): void {
    this.raft.readIndex(requestContext);
    this.schedule();
  }

  transferLeadership(to: NodeId): void {
    this.raft.transferLeadership(to);
    this.schedule();
  }

  reportUnreachable(peer: NodeId): void {
    this.raft.reportUnreachable(peer);
  }

  /** Works Ready batches at the end of this turn, once, however many events asked. */
  private schedule(): void {
    // Unbatched: at once, unless this is a call from inside a Ready being worked.
    if (!this.batching && this.tickTimer !== undefined && !this.working) {
      this.process();
      return;
    }
    if (this.processTimer !== undefined || this.stopped) return;
    this.processTimer = this.options.clock.setTimer(0, () => {
      this.processTimer = undefined;
      this.process();
    });
  }

  private process(): void {
    // Bounded: each Ready consumes work; a loop that never drains is a bug.
    this.working = true;
    try {
      for (let round = 0; round < 1000 && !this.stopped && this.raft.hasReady(); round++) {
        this.handleReady(this.raft.ready());
      }
    } finally {
      this.working = false;
    }
  }

  private handleReady(ready: Ready): void {
    if (ready.softState) {
      this.leading = ready.softState.state === 'leader';
      this.handlers.onSoftState(ready.softState);
    }
    // 0. A leader's messages (appends, heartbeats, snapshots, read-index answers) ask
    // nothing of its own disk: its entries count towards a commit only through the
    // acknowledgments it steps after this (synchronous) save, and the term it leads in was
    // made durable before it campaigned. So they leave now and the followers' fsyncs run
    // alongside the leader's. So do client requests a follower forwards (proposals,
    // ReadIndex), which claim nothing about its state. Everything else (votes, append
    // acknowledgments) waits for the save.
    const [early, late] = this.leading ? [ready.messages, []] : splitForwarded(ready.messages);
    if (early.length > 0) this.options.transport.send(early);
    // 1. Persist. Nothing else of this Ready leaves the node before this returns.
    this.options.persistence.save(
      {
        entries: ready.entries,
        ...(ready.hardState ? { hardState: ready.hardState } : {}),
        ...(ready.snapshot ? { snapshot: ready.snapshot } : {}),
      },
      ready.mustSync,
    );
    if (ready.snapshot !== undefined) {
      this.storage.applySnapshot(ready.snapshot);
      this.snapshotIndex = this.appliedIndex = ready.snapshot.metadata.index;
      this.confState = ready.snapshot.metadata.confState;
      this.handlers.restoreSnapshot(ready.snapshot.data);
    }
    this.storage.append(ready.entries);
    if (ready.hardState) this.storage.setHardState(ready.hardState);
    // 2. Send what had to wait for the save.
    if (late.length > 0) this.options.transport.send(late);
    // 3. Apply.
    for (const entry of ready.committedEntries) this.apply(entry);
    if (ready.committedEntries.length > 0 || ready.snapshot !== undefined)
      this.handlers.onApplied(this.appliedIndex);
    if (ready.readStates.length > 0) this.handlers.onReadStates(ready.readStates);
    // 4. Acknowledge.
    this.raft.advance(ready);
    this.maybeSnapshot();
  }

  private apply(entry: Entry): void {
    if (entry.index <= this.appliedIndex) return;
    assert(
      entry.index === this.appliedIndex + 1,
      () => `apply gap: ${this.appliedIndex} then ${entry.index}`,
    );
    if (entry.type === 'confChange') {
      const change = decodeConfChange(entry.data);
      this.confState = this.raft.applyConfChange(change);
      this.handlers.applyConfChange(change, this.confState);
    } else if (entry.data.length > 0) {
      this.handlers.applyEntry(entry, entry.term);
    }
    this.appliedIndex = entry.index;
  }

  private maybeSnapshot(): void {
    if (this.appliedIndex - this.snapshotIndex < this.options.snapshotEntries) return;
    const snapshot = this.storage.createSnapshot(
      this.appliedIndex,
      this.confState,
      this.handlers.takeSnapshot(),
    );
    this.options.persistence.saveSnapshot(snapshot);
    this.snapshotIndex = this.appliedIndex;
    const compactIndex = this.appliedIndex - this.options.snapshotCatchUpEntries;
    if (compactIndex > this.storage.firstIndex()) this.storage.compact(compactIndex);
  }
}

/** A follower's Ready messages: forwarded client requests first, the rest after the save. */
function splitForwarded(messages: readonly Message[]): [readonly Message[], readonly Message[]] {
  if (!messages.some(isForwardedRequest)) return [[], messages];
  return [messages.filter(isForwardedRequest), messages.filter((message) => !isForwardedRequest(message))];
}

function isForwardedRequest(message: Message): boolean {
  return message.type === 'prop' || message.type === 'readIndex';
}
