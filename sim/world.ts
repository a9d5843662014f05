// The deterministic world: one event queue, one seeded PRNG, a virtual clock per node,
// the simulated network and one host per Raft node. Faults and client proposals are
// method calls; run() advances virtual time, bounded by an events budget, and stops at
// the first invariant violation. Every delivery, fault, role change and apply is a
// trace line, and the trace hash proves two runs of one seed were identical.

import { AssertionError } from '../server/assert.js';
import type { Random } from '../server/ports/random.js';
import { Xoshiro128 } from '../server/ports/random.js';
import type { ConfChange, Entry, Message, NodeId, StateType } from '../server/raft/types.js';
import { EventQueue } from './event-queue.js';
import { InvariantMonitor, type Violation } from './invariants.js';
import { type LinkSettings, SimNetwork } from './network.js';
import { type HostObserver, NodeHost, type ProposeOutcome } from './node-host.js';
import { createRawNode } from './raw-node-adapter.js';
import { decodeProposal, encodeProposal } from './state-machine.js';
import { Trace } from './trace.js';
import { VirtualClock } from './virtual-clock.js';
import { SimWalPersistenceFactory } from './wal-persistence-factory.js';
import { type ResolvedWorldOptions, resolveWorldOptions, type WorldOptions } from './world-options.js';

export type RunOutcome =
  | { readonly type: 'ok' }
  | { readonly type: 'violation'; readonly violation: Violation }
  /** A node stopped on an always-on assertion: a Raft or host bug. */
  | { readonly type: 'assertion'; readonly message: string; readonly timeMs: number }
  | { readonly type: 'budgetExhausted'; readonly processedEvents: number };

export class World {
  readonly options: ResolvedWorldOptions;
  readonly queue: EventQueue;
  readonly network: SimNetwork;
  readonly trace: Trace;
  readonly invariants: InvariantMonitor;
  readonly hosts: readonly NodeHost[];
  /** Proposals acknowledged to their client (applied by the node they were sent to): id -> index. */
  readonly acknowledged = new Map<number, number>();
  proposalsSent = 0;
  /** Membership changes a leader accepted. */
  membershipChanges = 0;
  /** Snapshots nodes installed from a leader (InstallSnapshot) or restored at restart. */
  snapshotsRestored = 0;
  /** Set when the run enters its healed phase (background load stops). */
  healing = false;
  processedEvents = 0;
  private readonly random: Random;
  private readonly clocks = new Map<NodeId, VirtualClock>();
  private readonly hostById = new Map<NodeId, NodeHost>();
  private nextProposalId = 1;
  private failure: RunOutcome | undefined;

  constructor(options: WorldOptions) {
    this.options = resolveWorldOptions(options);
    this.random = new Xoshiro128(this.options.seed);
    this.queue = new EventQueue({ eventsMax: this.options.eventsMax });
    this.trace = new Trace(this.options.traceLinesKeptMax, options.onTrace);
    this.network = new SimNetwork(this.queue, this.random.fork(), {
      nodeIds: this.options.nodeIds,
      linkSettings: this.options.network,
      deliver: (message) => this.deliver(message),
    });
    const hosts: NodeHost[] = [];
    this.invariants = new InvariantMonitor(
      () => hosts,
      () => this.queue.nowMs(),
    );
    const observer = this.observer();
    // Default: the real WAL on simulated disks, seeded apart so the world's own stream of
    // random numbers (and so its trace) does not depend on the storage.
    const persistence =
      options.persistence ?? new SimWalPersistenceFactory(new Xoshiro128(this.options.seed ^ 0xd15cn));
    for (const id of this.options.nodeIds) {
      const clock = new VirtualClock(this.queue);
      this.clocks.set(id, clock);
      const host = new NodeHost({
        id,
        peers: this.options.nodeIds,
        queue: this.queue,
        clock,
        random: this.random.fork(),
        persistence,
        createRaftNode: options.createRaftNode ?? createRawNode,
        send: (message) => this.network.send(message),
        observer,
        tickMs: this.options.tickMs,
        electionTicks: this.options.electionTicks,
        heartbeatTicks: this.options.heartbeatTicks,
        maxSizePerMsgBytes: this.options.maxSizePerMsgBytes,
        maxInflightMsgs: this.options.maxInflightMsgs,
        preVote: this.options.preVote,
        checkQuorum: this.options.checkQuorum,
        raftPlantedBugs: this.options.raftPlantedBugs,
        hostPlantedBugs: this.options.hostPlantedBugs,
        snapshotEveryEntries: this.options.snapshotEveryEntries,
        compactKeepEntries: this.options.compactKeepEntries,
        heldMessagesMax: this.options.heldMessagesMax,
        persistDelayMs: this.options.persistDelayMs,
      });
      hosts.push(host);
      this.hostById.set(id, host);
    }
    this.hosts = hosts;
    this.trace.record(`seed ${this.options.seed} nodes ${this.options.nodeIds.join(',')}`);
  }

  nowMs(): number {
    return this.queue.nowMs();
  }

  /** Starts every node (a fresh cluster). */
  start(): void {
    for (const host of this.hosts) this.guard(() => host.start());
  }

  /** Runs events up to virtual time `untilMs`; stops early at a violation, an assertion or the events budget. */
  runUntil(untilMs: number): RunOutcome {
    if (this.failure !== undefined) return this.failure;
    const budget = this.options.processedEventsMax;
    for (;;) {
      const next = this.queue.peekTimeMs();
      if (next === undefined || next > untilMs) break;
      if (this.processedEvents >= budget) {
        this.failure = { type: 'budgetExhausted', processedEvents: this.processedEvents };
        return this.failure;
      }
      this.processedEvents++;
      // Inline rather than through guard(): this is the hottest loop of the simulator.
      try {
        this.queue.runNext();
      } catch (error) {
        this.recordAssertion(error);
      }
      if (this.failure !== undefined) return this.failure;
      if (this.invariants.violation !== undefined) {
        this.failure = { type: 'violation', violation: this.invariants.violation };
        return this.failure;
      }
    }
    this.queue.advanceTo(untilMs);
    return { type: 'ok' };
  }

  /** Runs until `condition` holds (checked every `stepMs`) or `timeoutMs` passes. */
  runUntilCondition(
    condition: () => boolean,
    options: { timeoutMs: number; stepMs?: number },
  ): RunOutcome | { type: 'timeout' } {
    const deadline = this.nowMs() + options.timeoutMs;
    const stepMs = options.stepMs ?? 10;
    while (!condition()) {
      if (this.nowMs() >= deadline) return { type: 'timeout' };
      const outcome = this.runUntil(Math.min(deadline, this.nowMs() + stepMs));
      if (outcome.type !== 'ok') return outcome;
    }
    return { type: 'ok' };
  }

  /** Runs the checks too costly for every event (pairwise log matching). */
  checkInvariants(): RunOutcome {
    this.invariants.checkLogs();
    if (this.invariants.violation !== undefined && this.failure === undefined) {
      this.failure = { type: 'violation', violation: this.invariants.violation };
    }
    return this.failure ?? { type: 'ok' };
  }

  host(id: NodeId): NodeHost {
    const host = this.hostById.get(id);
    if (host === undefined) throw new RangeError(`no node ${id} in this world`);
    return host;
  }

  /** The running leader of the highest term, if any. */
  leader(): NodeHost | undefined {
    let best: NodeHost | undefined;
    for (const host of this.hosts) {
      if (
        host.status === 'running' &&
        host.role === 'leader' &&
        (best === undefined || host.term > best.term)
      )
        best = host;
    }
    return best;
  }

  // Faults. Each is a trace line, so the hash covers the schedule too.

  partition(groups: readonly (readonly NodeId[])[]): void {
    this.fault(`partition ${groups.map((group) => group.join(',')).join(' | ')}`);
    this.network.partition(groups);
  }

  /** Blocks one direction only: `from` can no longer reach `to`. */
  blockOneWay(from: NodeId, to: NodeId): void {
    this.fault(`block ${from}>${to}`);
    this.network.setBlocked(from, to, true);
  }

  heal(): void {
    this.fault('heal');
    this.network.heal();
  }

  setLinkFaults(settings: Partial<LinkSettings>): void {
    const merged = { ...this.options.network, ...settings };
    this.fault(
      `links delay ${merged.delayMsMin}-${merged.delayMsMax} tail ${merged.tailPerMille}/${merged.tailDelayMsMax} ` +
        `loss ${merged.lossPerMille} dup ${merged.duplicatePerMille} reorder ${merged.reorderPerMille}`,
    );
    this.network.configure(merged);
  }

  crash(id: NodeId): void {
    this.fault(`crash ${id}`);
    this.host(id).crash();
  }

  restart(id: NodeId): void {
    const host = this.host(id);
    if (host.status !== 'crashed') return;
    this.fault(`restart ${id}`);
    this.guard(() => host.start());
  }

  pause(id: NodeId): void {
    this.fault(`pause ${id}`);
    this.host(id).pause();
  }

  resume(id: NodeId): void {
    this.fault(`resume ${id}`);
    this.guard(() => this.host(id).resume());
  }

  clockBump(id: NodeId, deltaMs: number): void {
    this.fault(`clock ${id} bump ${deltaMs}`);
    this.clock(id).bump(deltaMs);
  }

  clockDrift(id: NodeId, driftPpm: number): void {
    this.fault(`clock ${id} drift ${driftPpm}`);
    this.clock(id).setDrift(driftPpm);
  }

  clock(id: NodeId): VirtualClock {
    const clock = this.clocks.get(id);
    if (clock === undefined) throw new RangeError(`no node ${id} in this world`);
    return clock;
  }

  /**
   * Asks the current leader to remove a voter or add one back. Skipped without a leader,
   * and a removal that would leave fewer than two voters is skipped too.
   */
  changeMembership(change: ConfChange): ProposeOutcome {
    const leader = this.leader();
    if (leader === undefined) return { type: 'unavailable' };
    const voters = leader.confState().voters;
    if (change.type === 'removeNode' && (!voters.includes(change.nodeId) || voters.length <= 2)) {
      return { type: 'dropped', reason: 'removal skipped: keeps at least two voters' };
    }
    if (change.type === 'addVoter' && voters.includes(change.nodeId)) {
      return { type: 'dropped', reason: 'already a voter' };
    }
    let outcome = { type: 'unavailable' } as ProposeOutcome;
    this.guard(() => {
      outcome = leader.proposeConfChange(change);
    });
    if (outcome.type === 'ok') this.membershipChanges++;
    this.fault(`membership ${change.type} ${change.nodeId} via ${leader.id}: ${outcome.type}`);
    return outcome;
  }

  /** A client sends a new proposal to node `id`; it is acknowledged once that node applies it. */
  propose(id: NodeId): ProposeOutcome {
    const proposalId = this.nextProposalId++;
    const host = this.host(id);
    let outcome = { type: 'unavailable' } as ProposeOutcome;
    this.guard(() => {
      outcome = host.propose(encodeProposal(proposalId));
    });
    this.proposalsSent++;
    if (outcome.type === 'ok') host.waiting.add(proposalId);
    this.trace.record(`${this.traceTime()} propose ${id} p${proposalId} ${outcome.type}`);
    return outcome;
  }

  /** Trace lines carry integer microseconds: exact, and cheaper to format than fractional ms. */
  private traceTime(): number {
    return Math.round(this.queue.nowMs() * 1000);
  }

  private fault(description: string): void {
    this.trace.record(`${this.traceTime()} fault ${description}`);
  }

  private deliver(message: Message): void {
    this.trace.record(
      `${this.traceTime()} ${message.type} ${message.from}>${message.to} t${message.term} i${message.index} l${message.logTerm} n${message.entries.length} c${message.commit}${message.reject ? ' reject' : ''}`,
    );
    this.hostById.get(message.to)?.receive(message);
  }

  /** A node's assertion stops that run loudly, reported as the run's outcome. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.recordAssertion(error);
    }
  }

  /** Anything but a node's AssertionError is a simulator bug and propagates. */
  private recordAssertion(error: unknown): void {
    if (!(error instanceof AssertionError) || this.failure !== undefined) throw error;
    this.failure = { type: 'assertion', message: error.message, timeMs: this.nowMs() };
    this.trace.record(`${this.traceTime()} assertion ${error.message}`);
  }

  private observer(): HostObserver {
    const invariants = this.invariants;
    const trace = this.trace;
    const now = (): number => this.traceTime();
    return {
      onEntriesPersisted: (host, entries) => invariants.onEntriesPersisted(host, entries),
      onRole: (host, state: StateType, term) => {
        trace.record(`${now()} role ${host.id} ${state} t${term}`);
        invariants.onRole(host, state, term);
      },
      onApply: (host, entry, fingerprint) => {
        trace.record(`${now()} apply ${host.id} i${entry.index} t${entry.term} f${fingerprint}`);
        invariants.onApply(host, entry, fingerprint);
      },
      onSnapshotRestored: (host, index, term) => {
        this.snapshotsRestored++;
        trace.record(`${now()} restore ${host.id} i${index} t${term}`);
        invariants.onSnapshotRestored(host, index, term);
      },
      onAcknowledged: (host, entry: Entry) => {
        const proposalId = decodeProposal(entry);
        if (proposalId !== undefined && host.waiting.delete(proposalId))
          this.acknowledged.set(proposalId, entry.index);
      },
    };
  }
}
