// Watchers over the MVCC store, as etcd's watchable store: a watcher that starts at a past
// revision is "unsynced" and catches up from the stored history in bounded batches; once
// caught up it is "synced" and gets each new revision as it commits. A watcher whose sink
// refuses a delivery (a slow consumer) drops back to unsynced at that revision and catches
// up from history later (etcd's victim path), so nothing is lost or repeated unless the
// history is compacted first, in which case it gets the compacted error.
//
// Guarantees kept: events in revision order, each once, all events of one revision in one
// delivery (a revision is never split, even one larger than `historicEventsMax`), and a
// watcher can resume from any uncompacted revision.

import { EtcdError } from '../api/errors.js';
import type { Event, KeyValue, WatchFilter } from '../api/types.js';
import { requirePositiveInteger } from '../config-error.js';
import { type KeyRange, keyRange, rangeContains } from './key-range.js';
import type { KvStore, StoredChange } from './kv-store.js';

/** What a watcher receives; the gRPC layer adds the header and watch id framing. */
export type WatchDelivery =
  | { readonly type: 'events'; readonly revision: number; readonly events: readonly Event[] }
  | { readonly type: 'compacted'; readonly compactRevision: number }
  | { readonly type: 'progress'; readonly revision: number };

/**
 * Accepts a delivery, or returns false when it cannot take more now (slow consumer). It is
 * called synchronously, from `watch()`, from `syncUnsynced()` and from inside a commit, so
 * it must only queue the delivery, never write to the store.
 */
export type WatchSink = (delivery: WatchDelivery) => boolean;

export interface WatchOptions {
  readonly key: Uint8Array;
  /** Same meaning as RangeRequest.rangeEnd. */
  readonly rangeEnd?: Uint8Array;
  /** First revision to deliver; 0 or omitted: the next revision. */
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly filters?: readonly WatchFilter[];
}

export interface WatchableStoreOptions {
  /** Events a catching-up watcher gets per delivery, whole revisions only. Default 1000. */
  readonly historicEventsMax?: number;
  /** Revisions scanned for one watcher per sync round. Default 10000. */
  readonly historicRevisionsMax?: number;
  /** Unsynced watchers served per sync round (etcd's maxWatchersPerSync). Default 512. */
  readonly syncWatchersMax?: number;
}

export interface Watcher {
  /** The next revision this watcher has not been given yet. */
  readonly nextRevision: number;
  readonly synced: boolean;
  cancel(): void;
}

interface WatcherState extends Watcher {
  nextRevision: number;
  synced: boolean;
  readonly range: KeyRange;
  readonly options: WatchOptions;
  readonly sink: WatchSink;
}

export class WatchableStore {
  readonly historicEventsMax: number;
  readonly historicRevisionsMax: number;
  readonly syncWatchersMax: number;
  private readonly watchers = new Set<WatcherState>();
  /** The watchers still catching up, in the order they are served next. */
  private readonly unsynced = new Set<WatcherState>();

  constructor(
    readonly store: KvStore,
    options: WatchableStoreOptions = {},
  ) {
    this.historicEventsMax = options.historicEventsMax ?? 1000;
    this.historicRevisionsMax = options.historicRevisionsMax ?? 10_000;
    this.syncWatchersMax = options.syncWatchersMax ?? 512;
    requirePositiveInteger('historicEventsMax', this.historicEventsMax);
    requirePositiveInteger('historicRevisionsMax', this.historicRevisionsMax);
    requirePositiveInteger('syncWatchersMax', this.syncWatchersMax);
    store.onCommit((revision, changes) => this.notify(revision, changes));
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Starts a watcher; history it asks for is delivered at once, up to one batch. */
  watch(options: WatchOptions, sink: WatchSink): Watcher {
    const start = options.startRevision ?? 0;
    const current = this.store.currentRevision;
    const nextRevision = start > 0 ? start : current + 1;
    const watcher: WatcherState = {
      nextRevision,
      synced: nextRevision > current,
      range: keyRange(options.key, options.rangeEnd),
      options,
      sink,
      cancel: () => this.remove(watcher),
    };
    this.watchers.add(watcher);
    if (!watcher.synced) {
      this.unsynced.add(watcher);
      this.catchUp(watcher);
    }
    return watcher;
  }

  /**
   * One round of catching up: each unsynced watcher (up to `syncWatchersMax`) gets one
   * batch of history. The node calls it periodically (etcd: every 100 ms); commits call it
   * too. Returns the number of watchers still unsynced.
   */
  syncUnsynced(): number {
    let served = 0;
    for (const watcher of [...this.unsynced]) {
      if (served++ >= this.syncWatchersMax) break;
      // Served watchers go to the back, so a stuck one cannot starve the others.
      this.unsynced.delete(watcher);
      this.unsynced.add(watcher);
      this.catchUp(watcher);
    }
    return this.unsynced.size;
  }

  /** Sends a progress notification (the current revision) to every synced watcher. */
  progressAll(): void {
    for (const watcher of [...this.watchers]) this.progress(watcher);
  }

  /** A progress notification for one watcher; false when it is unsynced (as etcd skips it). */
  progress(watcher: Watcher): boolean {
    const state = watcher as WatcherState;
    if (!state.synced || !this.watchers.has(state)) return false;
    return state.sink({ type: 'progress', revision: this.store.currentRevision });
  }

  /** After a snapshot restore: every watcher re-reads from its next revision. */
  resyncAll(): void {
    for (const watcher of this.watchers)
      this.setSynced(watcher, watcher.nextRevision > this.store.currentRevision);
    this.syncUnsynced();
  }

  private notify(revision: number, changes: readonly StoredChange[]): void {
    for (const watcher of [...this.watchers]) {
      if (!watcher.synced || watcher.nextRevision > revision) continue;
      const events = this.eventsFor(watcher, revision, changes);
      if (events.length > 0 && !watcher.sink({ type: 'events', revision, events })) {
        // The consumer is full: the watcher re-reads this revision from history later.
        this.setSynced(watcher, false);
        continue;
      }
      watcher.nextRevision = revision + 1;
    }
    this.syncUnsynced();
  }

  private catchUp(watcher: WatcherState): void {
    const compacted = this.store.compactedRevision;
    if (watcher.nextRevision < compacted) {
      watcher.sink({ type: 'compacted', compactRevision: compacted });
      this.remove(watcher);
      return;
    }
    const current = this.store.currentRevision;
    const scanEnd = Math.min(current, watcher.nextRevision + this.historicRevisionsMax - 1);
    const events: Event[] = [];
    let revision = watcher.nextRevision;
    for (; revision <= scanEnd && events.length < this.historicEventsMax; revision++) {
      const changes = this.store.changes.get(revision);
      if (changes === undefined) continue;
      const present = changes.filter((change): change is StoredChange => change !== undefined);
      events.push(...this.eventsFor(watcher, revision, present));
    }
    if (events.length > 0) {
      const last = events[events.length - 1]!.kv.modRevision;
      if (!watcher.sink({ type: 'events', revision: last, events })) return;
    }
    watcher.nextRevision = revision;
    this.setSynced(watcher, revision > current);
  }

  private setSynced(watcher: WatcherState, synced: boolean): void {
    watcher.synced = synced;
    if (synced) this.unsynced.delete(watcher);
    else if (this.watchers.has(watcher)) this.unsynced.add(watcher);
  }

  private remove(watcher: WatcherState): void {
    this.watchers.delete(watcher);
    this.unsynced.delete(watcher);
  }

  private eventsFor(watcher: WatcherState, revision: number, changes: readonly StoredChange[]): Event[] {
    const filters = watcher.options.filters ?? [];
    const events: Event[] = [];
    for (const change of changes) {
      if (!rangeContains(watcher.range, change.kv.key)) continue;
      if (change.type === 'PUT' && filters.includes('NOPUT')) continue;
      if (change.type === 'DELETE' && filters.includes('NODELETE')) continue;
      const prevKv = watcher.options.prevKv ? this.previous(change.kv.key, revision) : undefined;
      events.push(
        prevKv === undefined
          ? { type: change.type, kv: change.kv }
          : { type: change.type, kv: change.kv, prevKv },
      );
    }
    return events;
  }

  /** The key's value just before `revision`, as etcd reads it (absent when compacted). */
  private previous(key: Uint8Array, revision: number): KeyValue | undefined {
    if (revision <= 1) return undefined;
    try {
      return this.store.range(key, undefined, { revision: revision - 1 }).kvs[0];
    } catch (error) {
      if (error instanceof EtcdError) return undefined;
      throw error;
    }
  }
}
