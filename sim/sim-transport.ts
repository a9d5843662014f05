// A Transport for one etcd-ts member inside the simulator: what the member sends goes
// into the shared SimNetwork (which delays, loses, duplicates, reorders or blocks it per
// link), and what the network delivers to this member reaches the member's handler as
// an event on the one EventQueue. The cluster decides whether a delivery is held (the
// member is paused) or dropped (the member is down); the transport only forwards.

import type { Transport } from '../server/ports/transport.js';
import type { Message } from '../server/raft/types.js';
import type { SimNetwork } from './network.js';

export class SimTransport implements Transport {
  private handler: ((message: Message) => void) | undefined;
  private closed = false;

  /**
   * `outbox` decides when what the member sends leaves (after a slow fsync the member is
   * still blocked in it); by default at once.
   */
  constructor(
    private readonly network: SimNetwork,
    private readonly outbox: (send: () => void) => void = (send) => send(),
  ) {}

  send(messages: readonly Message[]): void {
    if (this.closed || messages.length === 0) return;
    this.outbox(() => {
      if (this.closed) return;
      for (const message of messages) this.network.send(message);
    });
  }

  onReceive(handler: (message: Message) => void): void {
    this.handler = handler;
  }

  /** Called by the cluster when the network delivers a message addressed to this member. */
  receive(message: Message): void {
    if (this.closed) return;
    this.handler?.(message);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handler = undefined;
  }
}
