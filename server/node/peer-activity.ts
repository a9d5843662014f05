// Which peers a member has heard from recently: the stand-in for etcd's peer-stream
// ActiveSince in the strict reconfiguration check. It sits between the Transport and the
// Raft loop and notes, by the injected Clock, when a Raft message last arrived from each
// peer. A leader hears from every live voter at least once per heartbeat interval (the
// heartbeat responses), so on the leader "heard within the window" means "started and
// reachable now"; a killed or cut-off member falls out of the set one window later.

import type { Clock } from '../ports/clock.js';
import type { Transport } from '../ports/transport.js';
import type { Message, NodeId } from '../raft/types.js';

export class PeerActivity {
  private readonly lastHeardMs = new Map<NodeId, number>();

  constructor(
    private readonly clock: Clock,
    /** How long a peer counts as active after its last message (an election timeout). */
    private readonly windowMs: number,
  ) {}

  /** The transport to hand to the Raft loop: the same one, with arrivals noted. */
  observe(transport: Transport): Transport {
    return {
      send: (messages: readonly Message[]) => transport.send(messages),
      onReceive: (handler: (message: Message) => void) =>
        transport.onReceive((message) => {
          this.lastHeardMs.set(message.from, this.clock.nowMs());
          handler(message);
        }),
      ...(transport.isReachable === undefined ? {} : { isReachable: transport.isReachable.bind(transport) }),
      close: () => transport.close(),
    };
  }

  /** Peers heard from within the window. */
  activePeers(): ReadonlySet<NodeId> {
    const oldestMs = this.clock.nowMs() - this.windowMs;
    const active = new Set<NodeId>();
    for (const [id, heardMs] of this.lastHeardMs) if (heardMs >= oldestMs) active.add(id);
    return active;
  }
}
