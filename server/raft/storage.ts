// The Storage interface Raft reads its stable log through, with etcd's named errors,
// and MemoryStorage: an in-memory implementation the caller fills from what it has
// made durable (the WAL replay on restart, each Ready's entries as they are persisted).

import { assert } from '../assert.js';
import { limitSize } from './entry-size.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

/** The requested index is behind the last snapshot: its entry is gone. */
export class CompactedError extends Error {
  override name = 'CompactedError';
  constructor(index: number) {
    super(`index ${index} is compacted`);
  }
}

/** The requested index is past the end of the stored log. */
export class UnavailableError extends Error {
  override name = 'UnavailableError';
  constructor(index: number) {
    super(`index ${index} is not available`);
  }
}

/** The snapshot is being produced; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  override name = 'SnapshotTemporarilyUnavailableError';
  constructor() {
    super('snapshot is temporarily unavailable');
  }
}

/** A snapshot older than the one already held was offered. */
export class SnapshotOutOfDateError extends Error {
  override name = 'SnapshotOutOfDateError';
  constructor(index: number, currentIndex: number) {
    super(`snapshot at index ${index} is not newer than the current one at ${currentIndex}`);
  }
}

export interface Storage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Entries [lo, hi) trimmed to maxSizeBytes (at least one). Throws CompactedError / UnavailableError. */
  entries(lo: number, hi: number, maxSizeBytes: number): Entry[];
  /** Term of the entry at index, for index in [firstIndex - 1, lastIndex]. */
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  snapshot(): Snapshot;
}

export const emptyHardState: HardState = { term: 0, vote: 0, commit: 0 };
export const emptyConfState: ConfState = { voters: [], learners: [] };
export const emptySnapshot: Snapshot = {
  metadata: { index: 0, term: 0, confState: emptyConfState },
  data: new Uint8Array(0),
};

export class MemoryStorage implements Storage {
  private hardState: HardState = emptyHardState;
  private currentSnapshot: Snapshot = emptySnapshot;
  /** entries[0] is a dummy holding the snapshot's index and term; real entries follow. */
  private log: Entry[] = [dummyEntry(0, 0)];

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hardState, confState: this.currentSnapshot.metadata.confState };
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  entries(lo: number, hi: number, maxSizeBytes: number): Entry[] {
    const offset = this.offset();
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    return limitSize(this.log.slice(lo - offset, hi - offset), maxSizeBytes);
  }

  term(index: number): number {
    const offset = this.offset();
    if (index < offset) throw new CompactedError(index);
    const entry = this.log[index - offset];
    if (entry === undefined) throw new UnavailableError(index);
    return entry.term;
  }

  firstIndex(): number {
    return this.offset() + 1;
  }

  lastIndex(): number {
    return this.offset() + this.log.length - 1;
  }

  snapshot(): Snapshot {
    return this.currentSnapshot;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    const current = this.currentSnapshot.metadata.index;
    if (snapshot.metadata.index <= current && current > 0) {
      throw new SnapshotOutOfDateError(snapshot.metadata.index, current);
    }
    this.currentSnapshot = snapshot;
    this.log = [dummyEntry(snapshot.metadata.index, snapshot.metadata.term)];
  }

  /** Records the application's state at `index` as the snapshot a lagging follower gets. */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    const current = this.currentSnapshot.metadata.index;
    if (index <= current) throw new SnapshotOutOfDateError(index, current);
    assert(index <= this.lastIndex(), () => `snapshot ${index} is past the last index ${this.lastIndex()}`);
    this.currentSnapshot = { metadata: { index, term: this.term(index), confState }, data };
    return this.currentSnapshot;
  }

  /** Drops entries up to and including compactIndex; a snapshot must cover them. */
  compact(compactIndex: number): void {
    const offset = this.offset();
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    assert(compactIndex <= this.lastIndex(), () => `compact ${compactIndex} is past ${this.lastIndex()}`);
    const term = this.term(compactIndex);
    this.log = [dummyEntry(compactIndex, term), ...this.log.slice(compactIndex - offset + 1)];
  }

  /** Appends entries, replacing any stored entries at the same or higher indexes. */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const firstIndex = this.firstIndex();
    const last = first.index + entries.length - 1;
    if (last < firstIndex) return;
    const kept = first.index < firstIndex ? entries.slice(firstIndex - first.index) : entries;
    const keptFirst = kept[0] as Entry;
    const position = keptFirst.index - this.offset();
    assert(
      position <= this.log.length,
      () => `append at ${keptFirst.index} leaves a gap after last index ${this.lastIndex()}`,
    );
    if (position === this.log.length) {
      // The common case: a plain append, without copying the stored log.
      for (const entry of kept) this.log.push(entry);
      return;
    }
    this.log = [...this.log.slice(0, position), ...kept];
  }

  private offset(): number {
    return (this.log[0] as Entry).index;
  }
}

function dummyEntry(index: number, term: number): Entry {
  return { index, term, type: 'normal', data: new Uint8Array(0) };
}
