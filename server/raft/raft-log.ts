// The Raft log as one sequence: stable entries in Storage followed by unstable ones in
// memory, with the commit and applied cursors (Raft paper §5.3). All index arithmetic
// of replication, conflict repair and commitment lives here.

import { assert } from '../assert.js';
import { limitSize } from './entry-size.js';
import { CompactedError, type Storage, UnavailableError } from './storage.js';
import type { Entry, Snapshot } from './types.js';
import { Unstable } from './unstable.js';

export class RaftLog {
  readonly storage: Storage;
  readonly unstable: Unstable;
  /** Highest index known to be committed. Never decreases. */
  committed: number;
  /** Highest index the application has applied. */
  applied: number;
  private readonly maxCommittedSizePerReadyBytes: number;

  constructor(storage: Storage, maxCommittedSizePerReadyBytes: number) {
    this.storage = storage;
    this.maxCommittedSizePerReadyBytes = maxCommittedSizePerReadyBytes;
    const firstIndex = storage.firstIndex();
    this.unstable = new Unstable(storage.lastIndex() + 1);
    this.committed = firstIndex - 1;
    this.applied = firstIndex - 1;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The term at index, or undefined if it is compacted or past the end. */
  maybeTerm(index: number): number | undefined {
    const unstableTerm = this.unstable.maybeTerm(index);
    if (unstableTerm !== undefined) return unstableTerm;
    // The entry at firstIndex - 1 is gone but its term is kept for matching.
    if (index + 1 < this.firstIndex() || index > this.lastIndex()) return undefined;
    try {
      return this.storage.term(index);
    } catch (error) {
      if (error instanceof CompactedError || error instanceof UnavailableError) return undefined;
      throw error;
    }
  }

  lastTerm(): number {
    const term = this.maybeTerm(this.lastIndex());
    assert(term !== undefined, () => `term of the last index ${this.lastIndex()} is unknown`);
    return term;
  }

  matchTerm(index: number, term: number): boolean {
    return this.maybeTerm(index) === term;
  }

  /** §5.4.1: a log is at least as up-to-date as ours if its last term is higher, or equal with an index as long. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Follower side of AppendEntries (§5.3): if our log holds (index, logTerm), append the
   * entries after dropping a conflicting suffix and return the index of the last new
   * entry; otherwise undefined.
   */
  maybeAppend(
    index: number,
    logTerm: number,
    committed: number,
    entries: readonly Entry[],
  ): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNewIndex = index + entries.length;
    const conflictIndex = this.findConflict(entries);
    if (conflictIndex !== 0) {
      assert(
        conflictIndex > this.committed,
        () => `entry ${conflictIndex} conflicts with committed entry (committed ${this.committed})`,
      );
      this.append(entries.slice(conflictIndex - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNewIndex));
    return lastNewIndex;
  }

  append(entries: readonly Entry[]): number {
    const first = entries[0];
    if (first === undefined) return this.lastIndex();
    assert(
      first.index - 1 >= this.committed,
      () => `append after ${first.index - 1} would overwrite committed entries (committed ${this.committed})`,
    );
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /** The index of the first entry whose term differs from ours (or which we lack), 0 if none. */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`, with that term: where our log
   * and a log whose entry at `index` has `term` may still agree. Lets the leader skip a
   * whole divergent term per round trip instead of one entry.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    let probe = index;
    for (;;) {
      const ourTerm = this.maybeTerm(probe);
      if (ourTerm === undefined) return { index: probe, term: 0 };
      if (ourTerm <= term) return { index: probe, term: ourTerm };
      probe--;
    }
  }

  unstableEntries(): Entry[] {
    return [...this.unstable.entries];
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** Committed entries not yet applied, within the per-Ready size bound. */
  nextCommittedEntries(): Entry[] {
    if (this.hasPendingSnapshot()) return [];
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= lo) return [];
    return this.slice(lo, this.committed + 1, this.maxCommittedSizePerReadyBytes) ?? [];
  }

  hasNextCommittedEntries(): boolean {
    if (this.hasPendingSnapshot()) return false;
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  /** The snapshot to send a lagging follower. Throws SnapshotTemporarilyUnavailableError. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  commitTo(index: number): void {
    if (this.committed >= index) return;
    assert(
      index <= this.lastIndex(),
      () => `commit ${index} is out of range [lastIndex ${this.lastIndex()}]: log lost or corrupt`,
    );
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    assert(
      index <= this.committed && index >= this.applied,
      () => `applied ${index} outside [applied ${this.applied}, committed ${this.committed}]`,
    );
    this.applied = index;
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapshotTo(index: number): void {
    this.unstable.stableSnapshotTo(index);
  }

  /** Commits maxIndex if it is from `term` (§5.4.2); with `anyTerm` (a planted bug) regardless. */
  maybeCommit(maxIndex: number, term: number, anyTerm: boolean): boolean {
    if (maxIndex > this.committed && (anyTerm || this.maybeTerm(maxIndex) === term)) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }

  /** Entries from index on, within maxSizeBytes; undefined if index is compacted. */
  entriesFrom(index: number, maxSizeBytes: number): Entry[] | undefined {
    if (index > this.lastIndex()) return [];
    return this.slice(index, this.lastIndex() + 1, maxSizeBytes);
  }

  /** Entries [lo, hi) within maxSizeBytes (at least one); undefined if lo is compacted. */
  slice(lo: number, hi: number, maxSizeBytes: number): Entry[] | undefined {
    assert(lo <= hi, () => `invalid slice ${lo} > ${hi}`);
    assert(hi <= this.lastIndex() + 1, () => `slice [${lo}, ${hi}) past last index ${this.lastIndex()}`);
    if (lo < this.firstIndex()) return undefined;
    if (lo === hi) return [];
    const offset = this.unstable.offset;
    let result: Entry[] = [];
    if (lo < offset) {
      const storedHi = Math.min(hi, offset);
      try {
        result = this.storage.entries(lo, storedHi, maxSizeBytes);
      } catch (error) {
        if (error instanceof CompactedError) return undefined;
        throw error;
      }
      if (result.length < storedHi - lo) return result;
    }
    if (hi > offset) {
      result = [...result, ...this.unstable.slice(Math.max(lo, offset), hi)];
    }
    return limitSize(result, maxSizeBytes);
  }
}
