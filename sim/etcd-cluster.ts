// A deterministic in-process etcd-ts cluster: 3 or 5 real EtcdNodes on one EventQueue,
// each with its own VirtualClock, SimDisk under a real WalPersistence, and SimTransport
// over one SimNetwork; every Random is forked from the run's seed. This is what the
// chaos runner's sim mode drives: workloads call members through SimClient, nemeses call
// crash/restart/pause/partition/clockOffset/diskFault here (through SimNemesisTarget),
// and the trace hash proves a replay. Members are slots 1..N; a slot removed from the
// cluster and added back runs a fresh member under a new Raft id on a fresh disk.
//
// Determinism: EtcdNode answers through promises, so the run loop is async and, after
// every event, lets the microtask queue drain completely (drainMicrotasks: a nextTick
// queued from a microtask, which runs only once no microtask is left) before the next
// event. Microtask order is fixed by the event order, so no result depends on
// wall-clock time.

import type { Member } from '../server/api/cluster-types.js';
import type { EtcdService } from '../server/api/service.js';
import { assert } from '../server/assert.js';
import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { EtcdNode } from '../server/node/etcd-node.js';
import type { UnsafeOptions } from '../server/node/node-options.js';
import type { TimerHandle } from '../server/ports/clock.js';
import { type Random, Xoshiro128 } from '../server/ports/random.js';
import type { Message, NodeId } from '../server/raft/types.js';
import { SimDisk, type SimDiskFault } from './disk.js';
import { bootMember } from './etcd-cluster-boot.js';
import { drainMicrotasks, type Machine, type MemberState, yieldToEventLoop } from './etcd-cluster-machine.js';
import { EventQueue } from './event-queue.js';
import { defaultLinkSettings, type LinkSettings, SimNetwork } from './network.js';
import { Trace } from './trace.js';
import { VirtualClock } from './virtual-clock.js';

export type { MemberState } from './etcd-cluster-machine.js';

export interface SimEtcdClusterOptions {
  readonly seed: number;
  /** 3 or 5 members. */
  readonly size: number;
  readonly linkSettings?: LinkSettings;
  /** Raft tick of every member. Default 100 ms (etcd's default). */
  readonly tickMs?: number;
  readonly electionTicks?: number;
  /** How long a member lets a request wait for Raft. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  readonly leaseCheckIntervalMs?: number;
  /** Trace lines kept readable for a report. Default 200. */
  readonly traceLinesKeptMax?: number;
  /** Events one runUntil may run before giving up. Default 2,000,000. */
  readonly eventsPerRunMax?: number;
  /** Receives every trace line (for debugging a run). */
  readonly onTrace?: (line: string) => void;
  /** Planted unsafe behaviour of every member, for showing that a run catches it. */
  readonly unsafe?: UnsafeOptions;
}

/** Simulated events run between two turns of the host's event loop. */
const eventsPerLoopTurnMax = 1_000;

/** Events held for one paused member; a longer pause is a runaway schedule. */
const heldEventsMax = 1_000_000;
const clusterId = 0x51d;

export class SimEtcdCluster {
  readonly queue = new EventQueue();
  readonly network: SimNetwork;
  readonly trace: Trace;
  readonly memberIds: readonly NodeId[];
  private readonly machines = new Map<NodeId, Machine>();
  private readonly members: Member[];
  private readonly random: Random;
  private readonly eventsPerRunMax: number;
  private eventsRun = 0;
  /** Members that ran an action since roles were last looked at (only they can have changed). */
  private readonly touched = new Set<Machine>();
  private readonly downListeners = new Set<(id: NodeId) => void>();
  /** Raft member id -> slot, for every id a slot has had. */
  private readonly slotOfRaftId = new Map<NodeId, NodeId>();

  constructor(private readonly options: SimEtcdClusterOptions) {
    if (!Number.isSafeInteger(options.seed))
      throw new ConfigError('seed', options.seed, 'it must be an integer');
    if (options.size !== 3 && options.size !== 5)
      throw new ConfigError('size', options.size, 'it must be 3 or 5');
    this.eventsPerRunMax = options.eventsPerRunMax ?? 2_000_000;
    requirePositiveInteger('eventsPerRunMax', this.eventsPerRunMax);
    this.random = new Xoshiro128(options.seed);
    this.memberIds = Array.from({ length: options.size }, (_, index) => index + 1);
    this.members = this.memberIds.map((id) => ({
      id,
      name: `m${id}`,
      peerUrls: [`http://sim-${id}:2380`],
      clientUrls: [`http://sim-${id}:2379`],
      isLearner: false,
    }));
    this.trace = new Trace(options.traceLinesKeptMax ?? 200, options.onTrace);
    this.network = new SimNetwork(this.queue, this.random.fork(), {
      nodeIds: this.memberIds,
      linkSettings: options.linkSettings ?? defaultLinkSettings,
      deliver: (message) => this.deliver(message),
    });
    for (const id of this.memberIds) {
      this.slotOfRaftId.set(id, id);
      this.machines.set(id, {
        id,
        raftId: id,
        joined: undefined,
        clock: new VirtualClock(this.queue),
        disk: new SimDisk(),
        random: this.random.fork(),
        incarnation: 0,
        state: 'down',
        node: undefined,
        service: undefined,
        transport: undefined,
        held: [],
        stalledUntilMs: 0,
        lastRole: 'down',
      });
    }
    for (const id of this.memberIds) this.boot(this.machine(id));
  }

  /** Virtual time of the world in milliseconds. */
  nowMs(): number {
    return this.queue.nowMs();
  }

  /** A random stream forked from the run's seed (for a workload or a nemesis). */
  forkRandom(): Random {
    return this.random.fork();
  }

  stateOf(id: NodeId): MemberState {
    return this.machine(id).state;
  }

  /** The running EtcdNode of a member (undefined while it is down). */
  node(id: NodeId): EtcdNode | undefined {
    return this.machine(id).node;
  }

  /** The member's client service with the same request checks gRPC applies. */
  service(id: NodeId): EtcdService | undefined {
    return this.machine(id).service;
  }

  /** The member's Raft id now (its slot until it is removed and added back). */
  raftIdOf(id: NodeId): NodeId {
    return this.machine(id).raftId;
  }

  /** A member's disk, for disk faults (SimDisk.flipBit) between a crash and a restart. */
  disk(id: NodeId): SimDisk {
    return this.machine(id).disk;
  }

  /** hashKv of every member that is up, in member order (equal when stores agree). */
  async storeHashes(): Promise<Map<NodeId, number>> {
    const hashes = new Map<NodeId, number>();
    for (const id of this.memberIds) {
      const node = this.machine(id).node;
      if (node !== undefined) hashes.set(id, (await node.hashKv({})).hash);
    }
    return hashes;
  }

  /** The member that is up and leads the highest term, if any. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const machine of this.machines.values()) {
      if (machine.state !== 'up' || machine.node === undefined) continue;
      const status = machine.node.raftStatus();
      if (status.state === 'leader' && (best === undefined || status.term > best.term)) {
        best = { id: machine.id, term: status.term };
      }
    }
    return best?.id;
  }

  /**
   * Runs an action as an event of `id`'s machine: dropped when the member crashed since
   * `incarnation`, held while it is paused. SimClient delivers requests through this.
   */
  runOnMember(id: NodeId, incarnation: number, action: () => void): void {
    const machine = this.machine(id);
    if (machine.incarnation !== incarnation || machine.state === 'down' || machine.state === 'removed')
      return;
    if (machine.state === 'paused' || machine.stalledUntilMs > this.queue.nowMs()) {
      assert(machine.held.length < heldEventsMax, () => `member ${id}: heldEventsMax reached`);
      machine.held.push(action);
      return;
    }
    this.touched.add(machine);
    try {
      action();
    } catch (error) {
      // A failed fsync surfaces here: the member stops at once, as etcd panics.
      if (!machine.disk.hasFailed) throw error;
      this.record(`member ${id} stops: ${error instanceof Error ? error.message : String(error)}`);
      this.crash(id);
    }
  }

  /** Tells `listener` whenever a member goes down (clients drop their connections to it). */
  onMemberDown(listener: (id: NodeId) => void): () => void {
    this.downListeners.add(listener);
    return () => this.downListeners.delete(listener);
  }

  incarnationOf(id: NodeId): number {
    return this.machine(id).incarnation;
  }

  /** Schedules `action` on the world's queue after `delayMs` of virtual time. */
  schedule(delayMs: number, action: () => void): TimerHandle {
    const event = this.queue.schedule(this.queue.nowMs() + delayMs, action);
    return { cancel: () => this.queue.cancel(event) };
  }

  // ---- running ----

  /** Runs events up to virtual time `timeMs` (absolute), then moves the clock there; true. */
  async runUntil(timeMs: number): Promise<boolean>;
  /** Runs events until `condition` holds; false when `timeMsMax` passes first. */
  async runUntil(condition: () => boolean, budget: { timeMsMax: number }): Promise<boolean>;
  async runUntil(target: number | (() => boolean), budget?: { timeMsMax: number }): Promise<boolean> {
    if (typeof target === 'number') {
      // The caller's own promise continuations may still schedule events before `target`.
      await drainMicrotasks();
      await this.runWhile(() => true, target);
      if (this.queue.nowMs() < target) this.queue.advanceTo(target);
      return true;
    }
    assert(budget !== undefined, 'runUntil(condition) needs a budget');
    const deadlineMs = this.queue.nowMs() + budget.timeMsMax;
    await drainMicrotasks();
    if (target()) return true;
    return this.runWhile(() => !target(), deadlineMs);
  }

  /** Runs for `durationMs` of virtual time from now. */
  async runFor(durationMs: number): Promise<void> {
    await this.runUntil(this.queue.nowMs() + durationMs);
  }

  /** Runs until a member leads; throws when none does within `timeMsMax`. */
  async waitForLeader(timeMsMax = 10_000): Promise<NodeId> {
    const found = await this.runUntil(() => this.leader() !== undefined, { timeMsMax });
    const leader = this.leader();
    assert(found && leader !== undefined, () => `no leader within ${timeMsMax} ms of virtual time`);
    return leader;
  }

  /** Events run since the cluster started (for the runner's statistics). */
  get eventCount(): number {
    return this.eventsRun;
  }

  private async runWhile(keepGoing: () => boolean, deadlineMs: number): Promise<boolean> {
    let events = 0;
    for (;;) {
      const next = this.queue.peekTimeMs();
      if (next === undefined || next > deadlineMs) return false;
      assert(
        events < this.eventsPerRunMax,
        () => `runUntil: eventsPerRunMax = ${this.eventsPerRunMax} reached`,
      );
      this.queue.runNext();
      events++;
      this.eventsRun++;
      // Draining without a loop turn is fast but starves the host's I/O (progress
      // messages, signals); every so many events the loop turns, which drains the same.
      if (events % eventsPerLoopTurnMax === 0) await yieldToEventLoop();
      else await drainMicrotasks();
      this.noteRoles();
      if (!keepGoing()) return true;
    }
  }

  // ---- faults ----

  /** Kills a member: volatile state is gone and its disk keeps only synced bytes. */
  crash(id: NodeId, options: { tearLastWrite?: boolean } = {}): void {
    const machine = this.machine(id);
    if (machine.state === 'down' || machine.state === 'removed') return;
    this.record(`crash ${id}${options.tearLastWrite ? ' torn' : ''}`);
    machine.incarnation++;
    machine.state = 'down';
    machine.held = [];
    machine.stalledUntilMs = 0;
    void machine.transport?.close();
    machine.node = undefined;
    machine.service = undefined;
    machine.transport = undefined;
    machine.disk.crash({ tearLastWrite: options.tearLastWrite ?? false, random: machine.random.fork() });
    this.touched.add(machine);
    this.noteRoles();
    for (const listener of [...this.downListeners]) listener(id);
  }

  /** Starts a crashed member again from what its disk kept. */
  restart(id: NodeId): void {
    const machine = this.machine(id);
    assert(machine.state === 'down', () => `restart(${id}): member is ${machine.state}`);
    this.record(`restart ${id}`);
    this.boot(machine);
  }

  /** Freezes a member (SIGSTOP): its timers and deliveries wait until resume. */
  pause(id: NodeId): void {
    const machine = this.machine(id);
    if (machine.state !== 'up') return;
    this.record(`pause ${id}`);
    machine.state = 'paused';
  }

  resume(id: NodeId): void {
    const machine = this.machine(id);
    if (machine.state !== 'paused') return;
    this.record(`resume ${id} held=${machine.held.length}`);
    machine.state = 'up';
    this.releaseHeld(machine);
  }

  /** Held events run as new events now, in the order they arrived. */
  private releaseHeld(machine: Machine): void {
    const held = machine.held;
    machine.held = [];
    const incarnation = machine.incarnation;
    for (const action of held) this.schedule(0, () => this.runOnMember(machine.id, incarnation, action));
  }

  /** Starts (or, with `undefined`, ends) a fault on fsync of the member's disk. */
  diskFault(id: NodeId, fault: SimDiskFault | undefined): void {
    const machine = this.machine(id);
    this.record(`disk ${id} ${fault === undefined ? 'clear' : JSON.stringify(fault)}`);
    machine.disk.setFault(fault, machine.random.fork());
  }

  /**
   * A slow fsync: the member is blocked for `stallMs` from now — what it sends leaves,
   * and what reaches it runs, only after that.
   */
  private stall(machine: Machine, stallMs: number): void {
    const untilMs = Math.max(machine.stalledUntilMs, this.queue.nowMs() + stallMs);
    machine.stalledUntilMs = untilMs;
    const incarnation = machine.incarnation;
    this.schedule(untilMs - this.queue.nowMs(), () => {
      if (machine.incarnation !== incarnation || machine.stalledUntilMs !== untilMs) return;
      machine.stalledUntilMs = 0;
      if (machine.state === 'up') this.releaseHeld(machine);
    });
  }

  /**
   * The member's fsync failed: it stops like etcd (a panic), keeping only synced bytes —
   * also when the failure was caught inside the node rather than thrown out of an event.
   */
  private failStop(machine: Machine): void {
    const incarnation = machine.incarnation;
    this.schedule(0, () => {
      if (machine.incarnation !== incarnation) return;
      this.record(`member ${machine.id} stops: fsync failed`);
      this.crash(machine.id);
    });
  }

  /** The member was removed from the cluster (MemberRemove applied): it stops for good. */
  retire(id: NodeId): void {
    const machine = this.machine(id);
    assert(machine.state !== 'removed', () => `retire(${id}): already removed`);
    this.record(`retire ${id} (raft id ${machine.raftId})`);
    machine.incarnation++;
    machine.state = 'removed';
    machine.held = [];
    machine.stalledUntilMs = 0;
    void machine.transport?.close();
    machine.node?.stop();
    machine.node = undefined;
    machine.service = undefined;
    machine.transport = undefined;
    this.touched.add(machine);
    this.noteRoles();
    for (const listener of [...this.downListeners]) listener(id);
  }

  /**
   * Starts a removed slot as the fresh member MemberAdd just added (`raftId`): an empty
   * disk, initial-cluster-state existing, `members` as the cluster listed them.
   */
  join(id: NodeId, options: { raftId: NodeId; members: readonly Member[] }): void {
    const machine = this.machine(id);
    assert(machine.state === 'removed', () => `join(${id}): member is ${machine.state}`);
    const owner = this.slotOfRaftId.get(options.raftId);
    assert(owner === undefined || owner === id, () => `join(${id}): raft id ${options.raftId} is taken`);
    this.record(`join ${id} as raft id ${options.raftId}`);
    this.slotOfRaftId.set(options.raftId, id);
    this.network.alias(options.raftId, id);
    machine.raftId = options.raftId;
    machine.joined = {
      members: options.members.map((member) =>
        member.id === options.raftId
          ? { ...member, name: `m${id}`, clientUrls: [`http://sim-${id}:2379`] }
          : member,
      ),
    };
    machine.disk = new SimDisk();
    this.boot(machine);
  }

  /** Members can talk only inside their own group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.record(`partition ${groups.map((group) => group.join(',')).join(' | ')}`);
    this.network.partition(groups);
  }

  /** Cuts one direction only. */
  blockLink(from: NodeId, to: NodeId): void {
    this.record(`block ${from}->${to}`);
    this.network.setBlocked(from, to, true);
  }

  heal(): void {
    this.record('heal');
    this.network.heal();
  }

  /** Jumps a member's clock by `deltaMs` (negative: back). */
  clockOffset(id: NodeId, deltaMs: number): void {
    this.record(`clock ${id} ${deltaMs >= 0 ? '+' : ''}${deltaMs}`);
    this.machine(id).clock.bump(deltaMs);
  }

  /** Makes a member's clock run fast or slow from now on. */
  clockDrift(id: NodeId, driftPpm: number): void {
    this.record(`drift ${id} ${driftPpm}ppm`);
    this.machine(id).clock.setDrift(driftPpm);
  }

  /** Stops every member cleanly (end of a run). */
  stop(): void {
    for (const machine of this.machines.values()) {
      machine.incarnation++;
      machine.node?.stop();
      machine.state = 'down';
    }
  }

  /** A trace line at the current virtual time (faults, client operations). */
  record(line: string): void {
    this.trace.record(`${formatMs(this.queue.nowMs())} ${line}`);
  }

  traceHash(): string {
    return this.trace.digest();
  }

  // ---- internals ----

  private boot(machine: Machine): void {
    // Touched first: a member that fails to start is looked at too.
    this.touched.add(machine);
    bootMember(machine, {
      network: this.network,
      options: this.options,
      clusterId,
      initialMembers: this.members,
      nowMs: () => this.queue.nowMs(),
      schedule: (delayMs, action) => this.schedule(delayMs, action),
      record: (line) => this.record(line),
      runOnMember: (id, incarnation, action) => this.runOnMember(id, incarnation, action),
      stall: (stalled, stallMs) => this.stall(stalled, stallMs),
      failStop: (failed) => this.failStop(failed),
    });
  }

  private deliver(message: Message): void {
    const slot = this.slotOfRaftId.get(message.to);
    if (slot === undefined) return;
    const machine = this.machine(slot);
    const transport = machine.transport;
    // Addressed to a member id the slot no longer has: that member was removed.
    if (machine.raftId !== message.to || machine.state === 'down' || transport === undefined) return;
    this.runOnMember(machine.id, machine.incarnation, () => {
      this.record(
        `deliver ${message.from}->${message.to} ${message.type} t${message.term} i${message.index} c${message.commit} n${message.entries.length}${message.reject ? ' reject' : ''}`,
      );
      transport.receive(message);
    });
  }

  /** Records role and term changes of the members that ran something since the last look. */
  private noteRoles(): void {
    if (this.touched.size === 0) return;
    const machines = [...this.touched].sort((left, right) => left.id - right.id);
    this.touched.clear();
    for (const machine of machines) {
      let role = 'down';
      if (machine.node !== undefined) {
        const status = machine.node.raftStatus();
        role = `${status.state} t${status.term} lead${status.lead}`;
      }
      if (role !== machine.lastRole) {
        machine.lastRole = role;
        this.record(`member ${machine.id} ${role}`);
      }
    }
  }

  private machine(id: NodeId): Machine {
    const machine = this.machines.get(id);
    if (machine === undefined)
      throw new ConfigError('member', id, `members are ${this.memberIds.join(', ')}`);
    return machine;
  }
}

function formatMs(timeMs: number): string {
  return timeMs.toFixed(3);
}
