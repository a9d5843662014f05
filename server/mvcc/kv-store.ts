// The multi-version key-value store: every change is kept under its revision until a
// compaction removes what no read can see any more. Reads name a revision (or the current
// one); writes go through a WriteTxn so that all changes of one request share one main
// revision with increasing sub revisions, as in etcd's mvcc package.

import { EtcdError } from '../api/errors.js';
import type { KeyValue } from '../api/types.js';
import { assert } from '../assert.js';
import { KeyIndex } from './key-index.js';
import { compareBytes, type KeyRange, keyRange } from './key-range.js';
import { OrderedMap } from './ordered-map.js';
import type { Revision } from './revision.js';

/** One change as stored and as watchers see it; a delete's kv holds key and modRevision. */
export interface StoredChange {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: KeyValue;
}

/** The lessor's view of key attachments; the store reports every attach and detach. */
export interface LeaseAttachments {
  attach(leaseId: number, key: Uint8Array): void;
  detach(leaseId: number, key: Uint8Array): void;
}

export interface RangeOptions {
  /** 0 or omitted: every key in the range. */
  readonly limit?: number;
  /** 0 or omitted: the current revision. */
  readonly revision?: number;
  /** Default false. True: count only, no key-values. */
  readonly countOnly?: boolean;
}

export interface RangeResult {
  readonly kvs: KeyValue[];
  /** Keys in the range at the revision, before the limit. */
  readonly count: number;
  /** The revision the read was served at. */
  readonly revision: number;
}

/** What a committed write reports to the watch hub: all changes of one main revision. */
export type CommitListener = (revision: number, changes: readonly StoredChange[]) => void;

const noLease: LeaseAttachments = { attach() {}, detach() {} };
const emptyValue = new Uint8Array(0);

export class KvStore {
  /** Key -> its history. */
  index = new OrderedMap<KeyIndex>();
  /** Main revision -> its changes by sub revision (undefined where compaction removed one). */
  readonly changes = new Map<number, (StoredChange | undefined)[]>();
  private current = 1;
  private compacted = 0;
  private listeners: CommitListener[] = [];
  leases: LeaseAttachments = noLease;

  /** The newest committed main revision (1 for an empty store, as etcd). */
  get currentRevision(): number {
    return this.current;
  }

  /** The revision of the last compaction, 0 when none. */
  get compactedRevision(): number {
    return this.compacted;
  }

  /** Forgets every key and revision (before a snapshot restore); listeners stay. */
  reset(): void {
    this.index = new OrderedMap<KeyIndex>();
    this.changes.clear();
    this.current = 1;
    this.compacted = 0;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((other) => other !== listener);
    };
  }

  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, options: RangeOptions = {}): RangeResult {
    return this.rangeAt(keyRange(key, rangeEnd), this.current, options);
  }

  /** Reads `range` as of `options.revision`, where `current` is the newest visible revision. */
  rangeAt(range: KeyRange, current: number, options: RangeOptions): RangeResult {
    const revision = options.revision !== undefined && options.revision > 0 ? options.revision : current;
    if (revision > current) throw EtcdError.of('futureRevision');
    if (revision < this.compacted) throw EtcdError.of('compacted');
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
    const kvs: KeyValue[] = [];
    let count = 0;
    this.visit(range, revision, (kv) => {
      count++;
      if (!options.countOnly && kvs.length < limit) kvs.push(kv);
    });
    return { kvs, count, revision };
  }

  /** A write transaction at the next main revision; nothing is visible until `commit()`. */
  beginWrite(): WriteTxn {
    return new WriteTxn(this, this.current + 1);
  }

  /** The change stored at `revision`, or undefined when compacted away. */
  changeAt(revision: Revision): StoredChange | undefined {
    return this.changes.get(revision.main)?.[revision.sub];
  }

  /** Removes every revision at or below `revision` that no read at or after it can see. */
  compact(revision: number): void {
    if (revision <= this.compacted) throw EtcdError.of('compacted');
    if (revision > this.current) throw EtcdError.of('futureRevision');
    const kept = new Set<string>();
    const emptied: Uint8Array[] = [];
    for (const [key, keyIndex] of this.index.entriesFrom()) {
      for (const survivor of keyIndex.compact(revision)) kept.add(`${survivor.main}.${survivor.sub}`);
      if (keyIndex.isEmpty()) emptied.push(key);
    }
    for (const key of emptied) this.index.delete(key);
    for (const [main, changes] of this.changes) {
      if (main > revision) break;
      let remaining = 0;
      for (let sub = 0; sub < changes.length; sub++) {
        if (changes[sub] !== undefined && !kept.has(`${main}.${sub}`)) changes[sub] = undefined;
        if (changes[sub] !== undefined) remaining++;
      }
      if (remaining === 0) this.changes.delete(main);
    }
    this.compacted = revision;
  }

  /** Calls `visit` with each key-value in `range` visible at `revision`, in key order. */
  visit(range: KeyRange, revision: number, visit: (kv: KeyValue) => void): void {
    const emit = (keyIndex: KeyIndex): void => {
      const hit = keyIndex.get(revision);
      if (hit === undefined) return;
      const change = this.changeAt(hit.modified);
      assert(change !== undefined && change.type === 'PUT', 'index points at a missing put');
      visit(change.kv);
    };
    if (range.type === 'single') {
      const keyIndex = this.index.get(range.key);
      if (keyIndex !== undefined) emit(keyIndex);
      return;
    }
    for (const [key, keyIndex] of this.index.entriesFrom(range.key)) {
      if (range.type === 'interval' && compareBytes(key, range.end) >= 0) break;
      emit(keyIndex);
    }
  }

  /** Used by WriteTxn and snapshot restore only: stores a change and indexes it. */
  record(revision: Revision, change: StoredChange): void {
    let changes = this.changes.get(revision.main);
    if (changes === undefined) {
      changes = [];
      this.changes.set(revision.main, changes);
    }
    // Restored snapshots may have holes where compaction removed a change.
    assert(changes.length <= revision.sub, 'sub revisions must ascend');
    changes[revision.sub] = change;
  }

  /** Used by WriteTxn and snapshot restore only. */
  setRevisions(current: number, compacted: number): void {
    assert(current >= compacted, 'compacted revision above current');
    this.current = current;
    this.compacted = compacted;
  }

  /** Used by WriteTxn only: publishes a committed revision. */
  publish(revision: number, changes: readonly StoredChange[]): void {
    for (const listener of this.listeners) listener(revision, changes);
  }
}

/** A prepared put: what it writes and what it replaced. */
export interface PutResult {
  readonly kv: KeyValue;
  readonly previous: KeyValue | undefined;
}

export class WriteTxn {
  private readonly written: StoredChange[] = [];
  private committed = false;

  constructor(
    private readonly store: KvStore,
    readonly revision: number,
  ) {}

  /** True once a change has been made (a txn of reads only keeps the revision). */
  get hasChanges(): boolean {
    return this.written.length > 0;
  }

  /** Reads see this txn's own changes, as etcd's write txn does. */
  range(key: Uint8Array, rangeEnd: Uint8Array | undefined, options: RangeOptions = {}): RangeResult {
    const visible = this.hasChanges ? this.revision : this.revision - 1;
    return this.store.rangeAt(keyRange(key, rangeEnd), visible, options);
  }

  put(key: Uint8Array, value: Uint8Array, leaseId: number): PutResult {
    assert(!this.committed, 'put after commit');
    const visible = this.hasChanges ? this.revision : this.revision - 1;
    let keyIndex = this.store.index.get(key);
    const hit = keyIndex?.get(visible);
    const previous = hit === undefined ? undefined : this.store.changeAt(hit.modified)?.kv;
    if (keyIndex === undefined) {
      keyIndex = new KeyIndex();
      this.store.index.set(key, keyIndex);
    }
    const revision = { main: this.revision, sub: this.written.length };
    const { created, version } = keyIndex.put(revision);
    const kv: KeyValue = {
      key: key.slice(),
      value: value.slice(),
      createRevision: created.main,
      modRevision: revision.main,
      version,
      lease: leaseId,
    };
    this.append(revision, { type: 'PUT', kv });
    if (previous !== undefined && previous.lease !== 0) this.store.leases.detach(previous.lease, key);
    if (leaseId !== 0) this.store.leases.attach(leaseId, key);
    return { kv, previous };
  }

  /** Deletes every key in the range that is live now; returns their last values. */
  deleteRange(key: Uint8Array, rangeEnd: Uint8Array | undefined): KeyValue[] {
    assert(!this.committed, 'delete after commit');
    const visible = this.hasChanges ? this.revision : this.revision - 1;
    const deleted: KeyValue[] = [];
    this.store.visit(keyRange(key, rangeEnd), visible, (kv) => deleted.push(kv));
    for (const previous of deleted) {
      const revision = { main: this.revision, sub: this.written.length };
      this.store.index.get(previous.key)!.tombstone(revision);
      const kv: KeyValue = {
        key: previous.key,
        value: emptyValue,
        createRevision: 0,
        modRevision: revision.main,
        version: 0,
        lease: 0,
      };
      this.append(revision, { type: 'DELETE', kv });
      if (previous.lease !== 0) this.store.leases.detach(previous.lease, previous.key);
    }
    return deleted;
  }

  /** Makes the changes visible and tells the watchers; returns the store's revision after. */
  commit(): number {
    assert(!this.committed, 'commit twice');
    this.committed = true;
    if (!this.hasChanges) return this.store.currentRevision;
    this.store.setRevisions(this.revision, this.store.compactedRevision);
    this.store.publish(this.revision, this.written);
    return this.revision;
  }

  private append(revision: Revision, change: StoredChange): void {
    this.store.record(revision, change);
    this.written.push(change);
  }
}
