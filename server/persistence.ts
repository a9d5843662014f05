// What a node needs from durable storage for Raft: save a Ready's snapshot, entries and
// hard state, release the log behind a snapshot, and read back what survived a crash.
// The simulator's in-memory store and the real WAL + snapshot files both implement it,
// so the node loop is the same code in every mode.

import type { Entry, HardState, Snapshot } from './raft/types.js';

export interface RaftDurableState {
  readonly hardState: HardState;
  /** The newest snapshot that survived, if any; `entries` continue after its index. */
  readonly snapshot?: Snapshot;
  readonly entries: readonly Entry[];
}

export interface RaftPersistence {
  /**
   * Persists one Ready: the snapshot first (if any), then the entries (which replace any
   * stored entries at the same or higher indexes), then the hard state. When `sync` is
   * true everything is durable when this returns; Ready messages may be sent only then.
   */
  save(ready: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot }, sync: boolean): void;
  /** Records a snapshot the application took; log entries up to its index may be released. */
  saveSnapshot(snapshot: Snapshot): void;
  /** What is durable now: read once when a node (re)starts. */
  load(): RaftDurableState;
  close(): void;
}
