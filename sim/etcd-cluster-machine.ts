// One member's machine in the simulated etcd-ts cluster: what survives a crash (the
// machine clock, the disk, the random stream) and what does not (the running EtcdNode),
// the clock a member sees (its timers are events gated by the member's state), and the
// microtask drain that keeps promise continuations in step with the event queue.

import type { Member } from '../server/api/cluster-types.js';
import type { EtcdService } from '../server/api/service.js';
import type { EtcdNode } from '../server/node/etcd-node.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import type { SimDisk } from './disk.js';
import type { SimTransport } from './sim-transport.js';
import type { VirtualClock } from './virtual-clock.js';

/** 'removed': taken out of the cluster (MemberRemove) and not added back yet. */
export type MemberState = 'up' | 'paused' | 'down' | 'removed';

/**
 * One member's machine. `incarnation` grows on every crash: events scheduled by an
 * earlier incarnation (timers, deliveries) find it changed and do nothing, which is how
 * a crash loses every piece of volatile state at once.
 */
export interface Machine {
  /** The member's slot, 1..N: what clients, faults and the network's wiring name. */
  readonly id: NodeId;
  /** Its Raft member id: the slot at first, a fresh id each time it is added back. */
  raftId: NodeId;
  /** Set once the slot was added back (MemberAdd): it boots as a joining member. */
  joined: { readonly members: readonly Member[] } | undefined;
  readonly clock: VirtualClock;
  /** A fresh disk when the slot is added back as a new member. */
  disk: SimDisk;
  readonly random: Random;
  incarnation: number;
  state: MemberState;
  node: EtcdNode | undefined;
  service: EtcdService | undefined;
  transport: SimTransport | undefined;
  /** Events that reached the member while it was paused, run in order on resume. */
  held: (() => void)[];
  /** A slow fsync blocks the member until then (virtual ms); its events wait, as when paused. */
  stalledUntilMs: number;
  lastRole: string;
}

/** A member's view of its machine clock: its timers are events gated by the member's state. */
export class MemberClock implements Clock {
  constructor(
    private readonly clock: VirtualClock,
    private readonly gate: (action: () => void) => void,
  ) {}

  nowMs(): number {
    return this.clock.nowMs();
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    let cancelled = false;
    const handle = this.clock.setTimer(delayMs, () => this.gate(() => cancelled || callback()));
    return {
      cancel: () => {
        cancelled = true;
        handle.cancel();
      },
    };
  }
}

/**
 * Lets every pending microtask (promise continuations) run before the next event. A
 * `process.nextTick` queued from inside a microtask runs only once V8's microtask queue
 * is empty (Node drains that queue, then its tick queue), so this resumes exactly when
 * and in the order a setImmediate turn did, without an event-loop turn (a poll syscall)
 * per simulated event: about 15% of a sim run's CPU. It relies on the simulated world
 * never using nextTick or immediates itself.
 */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => queueMicrotask(() => process.nextTick(resolve)));
}

/** Lets the event loop turn (I/O, timers, signals of the hosting process), after microtasks as above. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
