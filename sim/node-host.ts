// Runs one Raft node inside the simulated world: ticks it from its virtual clock, feeds
// it the messages the network delivers, and works its Ready loop in the order the Ready
// contract demands — persist (RaftPersistence, then the in-memory Storage), send, apply,
// advance — asserting that order on every Ready. It also plays the node's process: a
// crash drops every volatile thing (Raft, Storage, state machine, held messages) and a
// restart rebuilds them from persistence.load(); a pause stops ticks and holds inbound
// messages (like SIGSTOP: they wait in socket buffers, up to `heldMessagesMax`, and the
// overflow is lost) until resume.

import { assert } from '../server/assert.js';
import type { RaftPersistence } from '../server/persistence.js';
import type { Random } from '../server/ports/random.js';
import type { PlantedBugs, RaftConfig } from '../server/raft/config.js';
import { MemoryStorage } from '../server/raft/storage.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  Ready,
  Snapshot,
  StateType,
} from '../server/raft/types.js';
import type { EventQueue } from './event-queue.js';
import { LogMirror } from './log-mirror.js';
import type { PersistenceFactory } from './memory-persistence.js';
import type { RaftNode, RaftNodeFactory } from './raft-node.js';
import { entryFingerprint, HashStateMachine } from './state-machine.js';
import type { VirtualClock } from './virtual-clock.js';

/** Host-level planted bugs: the node loop, not Raft, breaks the contract. */
export interface HostPlantedBugs {
  /**
   * Send a Ready's messages at once and let its writes become durable only
   * `persistDelayMs` later (a write-back cache); a crash in between loses them.
   */
  sendBeforePersist?: boolean;
}

/** What the host reports to the world: the invariant checks and the trace listen here. */
export interface HostObserver {
  onEntriesPersisted(host: NodeHost, entries: readonly Entry[]): void;
  onRole(host: NodeHost, state: StateType, term: number): void;
  onApply(host: NodeHost, entry: Entry, fingerprint: number): void;
  onSnapshotRestored(host: NodeHost, index: number, term: number): void;
  onAcknowledged(host: NodeHost, entry: Entry): void;
}

export interface NodeHostOptions {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly queue: EventQueue;
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly persistence: PersistenceFactory;
  readonly createRaftNode: RaftNodeFactory;
  readonly send: (message: Message) => void;
  readonly observer: HostObserver;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly raftPlantedBugs: PlantedBugs;
  readonly hostPlantedBugs: HostPlantedBugs;
  /** Take an application snapshot every this many applied entries (and compact the log). */
  readonly snapshotEveryEntries: number;
  /** Entries kept behind a snapshot so slow followers can catch up without one. */
  readonly compactKeepEntries: number;
  readonly heldMessagesMax: number;
  /** Only with sendBeforePersist: how long a write takes to become durable. */
  readonly persistDelayMs: number;
}

export type HostStatus = 'running' | 'paused' | 'crashed';

export type ProposeOutcome = { type: 'ok' } | { type: 'dropped'; reason: string } | { type: 'unavailable' };

type ReadyPhase = 'idle' | 'persisted' | 'sent' | 'applied';

export class NodeHost {
  readonly id: NodeId;
  status: HostStatus = 'crashed';
  role: StateType = 'follower';
  lead: NodeId = 0;
  term = 0;
  readonly log = new LogMirror();
  readonly stateMachine = new HashStateMachine();
  /** Proposal ids this node's clients proposed and wait on (acknowledged when applied here). */
  readonly waiting = new Set<number>();
  heldMessagesDropped = 0;
  private raft: RaftNode | undefined;
  private storage = new MemoryStorage();
  private persistence: RaftPersistence | undefined;
  private currentConfState: ConfState = { voters: [], learners: [] };
  private held: Message[] = [];
  private tickTimer: { cancel(): void } | undefined;
  /** Bumped by every crash so stale timers and deferred writes of a dead process do nothing. */
  private incarnation = 0;
  private phase: ReadyPhase = 'idle';
  private membershipChanged = false;

  constructor(private readonly options: NodeHostOptions) {
    this.id = options.id;
  }

  /** Starts the process: reads what is durable and builds Raft on it. */
  start(): void {
    assert(this.status === 'crashed', () => `start(): node ${this.id} is ${this.status}`);
    const persistence = this.options.persistence.open(this.id);
    const durable = persistence.load();
    const storage = new MemoryStorage();
    if (durable.snapshot !== undefined) storage.applySnapshot(durable.snapshot);
    storage.setHardState(durable.hardState);
    storage.append(durable.entries);
    this.storage = storage;
    this.persistence = persistence;
    this.currentConfState = storage.initialState().confState;
    this.log.clear();
    if (durable.snapshot !== undefined) this.restoreSnapshot(durable.snapshot);
    this.log.append(durable.entries);
    this.term = durable.hardState.term;
    this.role = 'follower';
    this.lead = 0;
    const config: RaftConfig = {
      id: this.id,
      peers: this.options.peers,
      electionTicks: this.options.electionTicks,
      heartbeatTicks: this.options.heartbeatTicks,
      maxSizePerMsgBytes: this.options.maxSizePerMsgBytes,
      maxInflightMsgs: this.options.maxInflightMsgs,
      preVote: this.options.preVote,
      checkQuorum: this.options.checkQuorum,
      storage,
      random: this.options.random.fork(),
      applied: this.stateMachine.appliedIndex,
      plantedBugs: this.options.raftPlantedBugs,
    };
    this.raft = this.options.createRaftNode(config);
    this.status = 'running';
    this.scheduleTick();
    this.drainReady();
  }

  /** The process dies: everything volatile is gone, unsynced writes too. */
  crash(): void {
    if (this.status === 'crashed') return;
    this.incarnation++;
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    this.raft = undefined;
    this.persistence?.close();
    this.persistence = undefined;
    this.options.persistence.crash(this.id);
    this.held = [];
    this.waiting.clear();
    this.stateMachine.restore(new Uint8Array(0));
    this.phase = 'idle';
    this.status = 'crashed';
    this.role = 'follower';
    this.lead = 0;
  }

  pause(): void {
    if (this.status !== 'running') return;
    this.tickTimer?.cancel();
    this.tickTimer = undefined;
    this.status = 'paused';
  }

  resume(): void {
    if (this.status !== 'paused') return;
    this.status = 'running';
    this.scheduleTick();
    const held = this.held;
    this.held = [];
    for (const message of held) {
      if (this.status !== 'running') break;
      this.receive(message);
    }
  }

  /** A message arrived from the network. */
  receive(message: Message): void {
    if (this.status === 'crashed') return;
    if (this.status === 'paused') {
      if (this.held.length < this.options.heldMessagesMax) this.held.push(message);
      else this.heldMessagesDropped++;
      return;
    }
    this.raft!.step(message);
    this.drainReady();
  }

  /** The membership this node applied last. */
  confState(): ConfState {
    return this.currentConfState;
  }

  /** An operator asks this node (the leader) to change the membership. */
  proposeConfChange(change: ConfChange): ProposeOutcome {
    if (this.status !== 'running') return { type: 'unavailable' };
    const outcome = this.raft!.proposeConfChange(change);
    this.drainReady();
    return outcome;
  }

  /** A client proposes `data` to this node. */
  propose(data: Uint8Array): ProposeOutcome {
    if (this.status !== 'running') return { type: 'unavailable' };
    const outcome = this.raft!.propose(data);
    this.drainReady();
    return outcome;
  }

  private scheduleTick(): void {
    const incarnation = this.incarnation;
    this.tickTimer = this.options.clock.setTimer(this.options.tickMs, () => {
      if (incarnation !== this.incarnation || this.status !== 'running') return;
      this.raft!.tick();
      this.drainReady();
      if (incarnation === this.incarnation && this.status === 'running') this.scheduleTick();
    });
  }

  private drainReady(): void {
    const raft = this.raft!;
    // Each Ready may produce another (applying a conf change, a snapshot); a node that
    // keeps producing them without input is a bug, not load.
    for (let round = 0; raft.hasReady(); round++) {
      assert(round < 1000, () => `node ${this.id}: Ready loop did not settle`);
      this.handleReady(raft, raft.ready());
    }
  }

  private handleReady(raft: RaftNode, ready: Ready): void {
    assert(this.phase === 'idle', () => `node ${this.id}: a Ready began before the last was advanced`);
    if (this.options.hostPlantedBugs.sendBeforePersist) {
      this.sendMessages(ready.messages);
      this.persistLater(ready);
    } else {
      this.persist(ready);
      this.sendMessages(ready.messages);
    }
    this.apply(raft, ready.committedEntries);
    assert(
      (this.phase as ReadyPhase) === 'applied',
      () => `node ${this.id}: Ready advanced in phase ${this.phase}`,
    );
    raft.advance(ready);
    this.phase = 'idle';
    // Like etcd's snapshot sender, report each snapshot as sent once it left. If the
    // network then loses it, the follower rejects the next append and the leader's probe
    // falls back to another snapshot, so 'finish' is safe; never reporting would leave
    // the follower's progress paused in snapshot state for good.
    for (const message of ready.messages)
      if (message.type === 'snap') raft.reportSnapshot(message.to, 'finish');
    this.takeSnapshotIfDue();
  }

  /** Step 1 of the contract: durable first, then visible to Raft's Storage. */
  private persist(ready: Ready): void {
    assert(this.phase === 'idle', () => `node ${this.id}: persist in phase ${this.phase}`);
    const write = writeOf(ready);
    if (write.snapshot !== undefined || write.entries.length > 0 || write.hardState !== undefined) {
      this.persistence!.save(write, ready.mustSync);
    }
    this.updateStorage(ready);
    this.phase = 'persisted';
  }

  /** The planted bug: Storage sees the Ready now, the durable store only after a delay. */
  private persistLater(ready: Ready): void {
    const write = writeOf(ready);
    const incarnation = this.incarnation;
    const persistence = this.persistence!;
    this.options.queue.schedule(this.options.queue.nowMs() + this.options.persistDelayMs, () => {
      if (incarnation === this.incarnation) persistence.save(write, true);
    });
    this.updateStorage(ready);
    this.phase = 'sent';
  }

  private updateStorage(ready: Ready): void {
    if (ready.snapshot !== undefined) {
      this.storage.applySnapshot(ready.snapshot);
      this.currentConfState = ready.snapshot.metadata.confState;
      this.restoreSnapshot(ready.snapshot);
    }
    if (ready.entries.length > 0) {
      this.storage.append(ready.entries);
      this.log.append(ready.entries);
      this.options.observer.onEntriesPersisted(this, ready.entries);
    }
    if (ready.hardState !== undefined) {
      this.storage.setHardState(ready.hardState);
      this.term = ready.hardState.term;
    }
    if (ready.softState !== undefined) {
      const changed = ready.softState.state !== this.role;
      this.role = ready.softState.state;
      this.lead = ready.softState.lead;
      if (changed) this.options.observer.onRole(this, this.role, this.term);
    }
  }

  private sendMessages(messages: readonly Message[]): void {
    assert(
      this.phase === 'persisted' || this.options.hostPlantedBugs.sendBeforePersist,
      () => `node ${this.id}: sending before the Ready was persisted`,
    );
    for (const message of messages) this.options.send(message);
    this.phase = 'sent';
  }

  private apply(raft: RaftNode, entries: readonly Entry[]): void {
    assert(this.phase === 'sent', () => `node ${this.id}: applying in phase ${this.phase}`);
    for (const entry of entries) {
      if (entry.index <= this.stateMachine.appliedIndex) continue;
      const fingerprint = entryFingerprint(entry);
      if (entry.type === 'confChange') {
        this.currentConfState = raft.applyConfChange(entry) ?? this.currentConfState;
        this.membershipChanged = true;
      }
      this.stateMachine.apply(entry, fingerprint);
      this.options.observer.onApply(this, entry, fingerprint);
      this.options.observer.onAcknowledged(this, entry);
    }
    this.phase = 'applied';
  }

  private restoreSnapshot(snapshot: Snapshot): void {
    const { index, term } = snapshot.metadata;
    this.log.restoreSnapshot(index, term);
    if (index > this.stateMachine.appliedIndex || index === 0) {
      this.stateMachine.restore(snapshot.data);
      if (index > 0) this.options.observer.onSnapshotRestored(this, index, term);
    }
  }

  private takeSnapshotIfDue(): void {
    const applied = this.stateMachine.appliedIndex;
    const snapshotIndex = this.storage.snapshot().metadata.index;
    // A membership change forces a snapshot: a node added back after lagging may need one,
    // and Raft refuses a snapshot whose membership does not include the receiver, so a
    // snapshot older than the change would leave that node stuck until the next one.
    const due =
      applied - snapshotIndex >= this.options.snapshotEveryEntries ||
      (this.membershipChanged && applied > snapshotIndex);
    if (!due) return;
    this.membershipChanged = false;
    if (applied > this.storage.lastIndex()) return;
    const snapshot = this.storage.createSnapshot(applied, this.currentConfState, this.stateMachine.encode());
    if (this.options.hostPlantedBugs.sendBeforePersist) {
      const incarnation = this.incarnation;
      const persistence = this.persistence!;
      this.options.queue.schedule(this.options.queue.nowMs() + this.options.persistDelayMs, () => {
        if (incarnation === this.incarnation) persistence.saveSnapshot(snapshot);
      });
    } else {
      this.persistence!.saveSnapshot(snapshot);
    }
    const compactIndex = applied - this.options.compactKeepEntries;
    if (compactIndex >= this.storage.firstIndex()) this.storage.compact(compactIndex);
  }
}

function writeOf(ready: Ready): { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot } {
  return {
    entries: ready.entries,
    ...(ready.hardState === undefined ? {} : { hardState: ready.hardState }),
    ...(ready.snapshot === undefined ? {} : { snapshot: ready.snapshot }),
  };
}
