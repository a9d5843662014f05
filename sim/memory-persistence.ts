// An in-memory durable store for Raft state in the simulator: the stand-in for the WAL
// until the WAL runs on the simulated disk. Synced writes survive a crash; writes saved
// without sync sit in a pending list that a crash throws away, as an unsynced page cache
// would. Only what was saved survives: the node's MemoryStorage is rebuilt from load().

import { assert } from '../server/assert.js';
import type { RaftDurableState, RaftPersistence } from '../server/persistence.js';
import type { Entry, HardState, NodeId, Snapshot } from '../server/raft/types.js';

type Write =
  | {
      readonly type: 'ready';
      readonly hardState?: HardState;
      readonly entries: readonly Entry[];
      readonly snapshot?: Snapshot;
    }
  | { readonly type: 'snapshot'; readonly snapshot: Snapshot };

const emptyHardState: HardState = { term: 0, vote: 0, commit: 0 };

export class MemoryPersistence implements RaftPersistence {
  private hardState: HardState = emptyHardState;
  private snapshot: Snapshot | undefined;
  /** Durable entries; entries[0] has index snapshotIndex + 1. */
  private entries: Entry[] = [];
  private pending: Write[] = [];
  private closed = false;

  save(
    ready: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot },
    sync: boolean,
  ): void {
    assert(!this.closed, 'save() on a closed MemoryPersistence');
    this.pending.push({ type: 'ready', ...ready });
    if (sync) this.flush();
  }

  saveSnapshot(snapshot: Snapshot): void {
    assert(!this.closed, 'saveSnapshot() on a closed MemoryPersistence');
    // A snapshot file is written and synced on its own, so pending log writes go first.
    this.pending.push({ type: 'snapshot', snapshot });
    this.flush();
  }

  load(): RaftDurableState {
    this.flush();
    return {
      hardState: this.hardState,
      ...(this.snapshot === undefined ? {} : { snapshot: this.snapshot }),
      entries: this.entries.slice(),
    };
  }

  close(): void {
    this.closed = true;
  }

  /** The process died: unsynced writes are gone. The store can be opened again. */
  crash(): void {
    this.pending = [];
    this.closed = false;
  }

  private flush(): void {
    for (const write of this.pending) {
      if (write.snapshot !== undefined) this.applySnapshot(write.snapshot);
      if (write.type === 'ready') {
        this.appendEntries(write.entries);
        if (write.hardState !== undefined) this.hardState = write.hardState;
      }
    }
    this.pending = [];
  }

  private snapshotIndex(): number {
    return this.snapshot?.metadata.index ?? 0;
  }

  private applySnapshot(snapshot: Snapshot): void {
    // The bootstrap snapshot of a new cluster has index 0 and must still be kept: it
    // carries the membership a restarted node needs.
    if (this.snapshot !== undefined && snapshot.metadata.index <= this.snapshotIndex()) return;
    const keepFrom = snapshot.metadata.index - this.snapshotIndex();
    const kept = this.entries.slice(keepFrom);
    // Entries after the snapshot survive only if they belong to the same history.
    const boundary = this.entries[keepFrom - 1];
    this.entries = boundary !== undefined && boundary.term === snapshot.metadata.term ? kept : [];
    this.snapshot = snapshot;
  }

  private appendEntries(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const offset = this.snapshotIndex() + 1;
    assert(
      first.index <= offset + this.entries.length,
      () => `gap: appending ${first.index} after ${offset + this.entries.length - 1}`,
    );
    const skip = Math.max(0, offset - first.index);
    const keep = first.index + skip - offset;
    this.entries.length = keep;
    for (let i = skip; i < entries.length; i++) this.entries.push(entries[i]!);
  }
}

/** Opens each node's store; the world calls crash() when a node's process dies. */
export interface PersistenceFactory {
  open(nodeId: NodeId): RaftPersistence;
  crash(nodeId: NodeId): void;
}

export class MemoryPersistenceFactory implements PersistenceFactory {
  private readonly stores = new Map<NodeId, MemoryPersistence>();

  open(nodeId: NodeId): RaftPersistence {
    let store = this.stores.get(nodeId);
    if (store === undefined) {
      store = new MemoryPersistence();
      this.stores.set(nodeId, store);
    }
    return store;
  }

  crash(nodeId: NodeId): void {
    this.stores.get(nodeId)?.crash();
  }
}
