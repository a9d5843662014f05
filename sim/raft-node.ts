// The part of a Raft node the simulator's host drives, and the factory that builds one.
// The host depends on this narrow surface rather than on the RawNode class, so a
// conf-change entry reaches Raft through one adapter and tests can count calls.

import type { RaftConfig } from '../server/raft/config.js';
import type { ConfChange, ConfState, Entry, Message, NodeId, Ready } from '../server/raft/types.js';

export interface RaftNode {
  tick(): void;
  step(message: Message): void;
  propose(data: Uint8Array): { type: 'ok' } | { type: 'dropped'; reason: string };
  proposeConfChange(change: ConfChange): { type: 'ok' } | { type: 'dropped'; reason: string };
  /** Applies the conf change a committed 'confChange' entry carries; the new membership. */
  applyConfChange(entry: Entry): ConfState | undefined;
  /** The transport's word on a snapshot message sent to `to`. */
  reportSnapshot(to: NodeId, status: 'finish' | 'failure'): void;
  hasReady(): boolean;
  ready(): Ready;
  advance(ready: Ready): void;
}

export type RaftNodeFactory = (config: RaftConfig) => RaftNode;
