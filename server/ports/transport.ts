// The Transport port: how a node's Raft messages reach its peers. Real mode sends
// length-prefixed protobuf over TCP with a per-peer dial address (so each directed link
// can pass through its own Toxiproxy proxy); sim mode hands messages to the simulated
// network. Delivery is best effort: messages may be lost, duplicated or reordered, and
// Raft tolerates all three.

import type { Message, NodeId } from '../raft/types.js';

export interface Transport {
  /** Sends messages to their `to` peers. Never blocks and never throws for a dead peer. */
  send(messages: readonly Message[]): void;
  /** Registers the one handler for messages arriving from peers. */
  onReceive(handler: (message: Message) => void): void;
  /**
   * False when the link to `peer` is known to be down (its connection closed and no
   * redial has connected since), so a message sent now would surely be lost. Optional:
   * a transport without it counts every peer as reachable.
   */
  isReachable?(peer: NodeId): boolean;
  /** Releases sockets and timers. */
  close(): Promise<void>;
}
