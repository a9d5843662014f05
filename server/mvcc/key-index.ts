// The revision history of one key, as etcd's keyIndex: a list of generations, each running
// from a creation to the tombstone that ended it (the last generation may still be live).
// A read at revision R finds the generation alive at R and the newest revision <= R in it.

import { assert } from '../assert.js';
import { compareRevisions, type Revision, revisionText } from './revision.js';

interface Generation {
  /** Puts since creation (a tombstone does not count). */
  version: number;
  readonly created: Revision;
  /** Every revision of this generation, ascending; a tombstone, when present, is last. */
  readonly revisions: Revision[];
}

/** What a read at a revision finds: the revision that holds the visible value. */
export interface IndexHit {
  readonly modified: Revision;
}

export class KeyIndex {
  /** The last generation is the open one; it is empty after a tombstone. */
  private generations: Generation[] = [];

  isEmpty(): boolean {
    return this.generations.length === 0 || (this.generations.length === 1 && this.openIsEmpty());
  }

  /** The newest revision of the key (put or tombstone). */
  latest(): Revision | undefined {
    for (let index = this.generations.length - 1; index >= 0; index--) {
      const revisions = this.generations[index]!.revisions;
      if (revisions.length > 0) return revisions[revisions.length - 1];
    }
    return undefined;
  }

  /**
   * Records a put at `revision` and returns the key's creation revision and version after
   * it. `restored` replays a put read from a snapshot, whose generation may have lost its
   * earlier revisions to compaction.
   */
  put(
    revision: Revision,
    restored?: { created: Revision; version: number },
  ): { created: Revision; version: number } {
    const newest = this.latest();
    assert(
      newest === undefined || compareRevisions(newest, revision) < 0,
      () => `put ${revisionText(revision)} not after ${revisionText(newest!)}`,
    );
    let open = this.generations[this.generations.length - 1];
    if (open === undefined || open.revisions.length === 0) {
      if (open !== undefined) this.generations.pop();
      open = { version: 0, created: restored?.created ?? revision, revisions: [] };
      this.generations.push(open);
    }
    open.revisions.push(revision);
    open.version = restored?.version ?? open.version + 1;
    return { created: open.created, version: open.version };
  }

  /** Ends the live generation with a tombstone at `revision`. */
  tombstone(revision: Revision): void {
    const open = this.generations[this.generations.length - 1];
    assert(open !== undefined && open.revisions.length > 0, 'tombstone of a key that is not live');
    open.revisions.push(revision);
    // An empty generation marks "no live value" until the next put.
    this.generations.push({ version: 0, created: { main: 0, sub: 0 }, revisions: [] });
  }

  /** The visible value at main revision `atMain`, or undefined when the key is absent then. */
  get(atMain: number): IndexHit | undefined {
    for (let index = this.generations.length - 1; index >= 0; index--) {
      const generation = this.generations[index]!;
      const revisions = generation.revisions;
      if (revisions.length === 0 || revisions[0]!.main > atMain) continue;
      const closed = index < this.generations.length - 1;
      // A generation whose tombstone is at or before atMain had ended by then.
      if (closed && revisions[revisions.length - 1]!.main <= atMain) return undefined;
      let position = revisions.length - 1;
      while (revisions[position]!.main > atMain) position--;
      return { modified: revisions[position]! };
    }
    return undefined;
  }

  /** Every revision with main >= `fromMain`, ascending (for watchers catching up). */
  revisionsSince(fromMain: number): Revision[] {
    const result: Revision[] = [];
    for (const generation of this.generations) {
      for (const revision of generation.revisions) if (revision.main >= fromMain) result.push(revision);
    }
    return result;
  }

  /**
   * The revision a compaction at `atMain` would keep for this key (etcd's keyIndex.keep):
   * the newest one <= atMain in the generation alive at atMain, never a tombstone.
   */
  keptAt(atMain: number): Revision | undefined {
    let index = 0;
    while (index < this.generations.length - 1) {
      const revisions = this.generations[index]!.revisions;
      if (revisions[revisions.length - 1]!.main > atMain) break;
      index++;
    }
    const generation = this.generations[index];
    if (generation === undefined) return undefined;
    const revisions = generation.revisions;
    let position = revisions.length - 1;
    while (position >= 0 && revisions[position]!.main > atMain) position--;
    if (position < 0) return undefined;
    const isTombstone = index < this.generations.length - 1 && position === revisions.length - 1;
    return isTombstone ? undefined : revisions[position];
  }

  /**
   * Drops history that no read at or after `atMain` can see: whole generations that ended
   * at or before it, and in the generation alive at it every revision older than the newest
   * one <= atMain. A surviving tombstone alone is dropped too. Returns the revisions kept
   * at or below atMain, which the store must keep; every other revision <= atMain may go.
   */
  compact(atMain: number): Revision[] {
    // A closed generation whose tombstone is at or before atMain is invisible from atMain on.
    let index = 0;
    while (index < this.generations.length - 1) {
      const revisions = this.generations[index]!.revisions;
      if (revisions[revisions.length - 1]!.main > atMain) break;
      index++;
    }
    this.generations.splice(0, index);
    const revisions = this.generations[0]?.revisions ?? [];
    let position = revisions.length - 1;
    while (position >= 0 && revisions[position]!.main > atMain) position--;
    if (position < 0) return [];
    revisions.splice(0, position);
    return [revisions[0]!];
  }

  private openIsEmpty(): boolean {
    return this.generations[this.generations.length - 1]!.revisions.length === 0;
  }
}
