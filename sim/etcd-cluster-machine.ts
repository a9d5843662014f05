// One member's machine in the simulated etcd-ts cluster: what survives a crash (the
// machine clock, the disk, the random stream) and what does not (the running EtcdNode),
// the clock a member sees (its timers are events gated by the member's state), and the
// microtask drain that keeps promise continuations in step with the event queue.

import type { EtcdService } from '../server/api/service.js';
import type { EtcdNode } from '../server/node/etcd-node.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import type { SimDisk } from './disk.js';
import type { SimTransport } from './sim-transport.js';
import type { VirtualClock } from './virtual-clock.js';

export type MemberState = 'up' | 'paused' | 'down';

/**
 * One member's machine. `incarnation` grows on every crash: events scheduled by an
 * earlier incarnation (timers, deliveries) find it changed and do nothing, which is how
 * a crash loses every piece of volatile state at once.
 */
export interface Machine {
  readonly id: NodeId;
  readonly clock: VirtualClock;
  readonly disk: SimDisk;
  readonly random: Random;
  incarnation: number;
  state: MemberState;
  node: EtcdNode | undefined;
  service: EtcdService | undefined;
  transport: SimTransport | undefined;
  /** Events that reached the member while it was paused, run in order on resume. */
  held: (() => void)[];
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

/** Lets every pending microtask (promise continuations) run before the next event. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
