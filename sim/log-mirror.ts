// What one node's Raft log holds, as seen from outside: the term and content fingerprint
// of every entry the host handed to storage, after the snapshot the log starts from. The
// invariant checks read logs through this mirror, so they depend only on the Ready
// stream and not on Raft's internals.

import { assert } from '../server/assert.js';
import type { Entry } from '../server/raft/types.js';
import { entryFingerprint } from './state-machine.js';

export class LogMirror {
  /** Index of the snapshot the log starts after (0: none). */
  snapshotIndex = 0;
  snapshotTerm = 0;
  private terms: number[] = [];
  private fingerprints: number[] = [];

  lastIndex(): number {
    return this.snapshotIndex + this.terms.length;
  }

  /** Term at `index`, or undefined when the index is before the snapshot or past the end. */
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    return this.terms[index - this.snapshotIndex - 1];
  }

  fingerprint(index: number): number | undefined {
    return this.fingerprints[index - this.snapshotIndex - 1];
  }

  /** Appends entries, replacing any at the same or later indexes (a conflict truncation). */
  append(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    assert(first.index <= this.lastIndex() + 1, () => `log gap: ${first.index} after ${this.lastIndex()}`);
    let start = 0;
    while (start < entries.length && entries[start]!.index <= this.snapshotIndex) start++;
    const keep = (entries[start]?.index ?? this.lastIndex() + 1) - this.snapshotIndex - 1;
    if (keep < this.terms.length) {
      this.terms.length = keep;
      this.fingerprints.length = keep;
    }
    for (let i = start; i < entries.length; i++) {
      const entry = entries[i]!;
      this.terms.push(entry.term);
      this.fingerprints.push(entryFingerprint(entry));
    }
  }

  /** Restarts the log after a snapshot, keeping later entries of the same history. */
  restoreSnapshot(index: number, term: number): void {
    if (index <= this.snapshotIndex) return;
    const sameHistory = this.term(index) === term;
    const drop = index - this.snapshotIndex;
    this.terms = sameHistory ? this.terms.slice(drop) : [];
    this.fingerprints = sameHistory ? this.fingerprints.slice(drop) : [];
    this.snapshotIndex = index;
    this.snapshotTerm = term;
  }

  clear(): void {
    this.snapshotIndex = 0;
    this.snapshotTerm = 0;
    this.terms = [];
    this.fingerprints = [];
  }
}
