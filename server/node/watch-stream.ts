// One client watch stream: many watchers multiplexed by watch id over the node's
// watchable store, as etcd's Watch RPC. Deliveries become WatchResponses with a header;
// a watcher whose start revision is compacted is created and canceled at once with the
// compact revision, as etcd answers it.

import type { WatchStream, WatchStreamHandlers } from '../api/service.js';
import type { ResponseHeader, WatchCreateRequest, WatchRequest, WatchResponse } from '../api/types.js';
import type { WatchableStore, WatchDelivery, Watcher } from '../mvcc/watchable-store.js';

/** Watchers one stream may hold; etcd has no fixed limit, a bound keeps memory finite. */
export const watchersPerStreamMax = 10_000;

export class NodeWatchStream implements WatchStream {
  private readonly watchers = new Map<number, Watcher>();
  private nextWatchId = 0;
  private closed = false;

  constructor(
    private readonly store: WatchableStore,
    private readonly handlers: WatchStreamHandlers,
    private readonly header: () => ResponseHeader,
  ) {}

  send(request: WatchRequest): void {
    if (this.closed) throw new Error('watch stream is closed');
    switch (request.type) {
      case 'create':
        this.create(request.request);
        return;
      case 'cancel':
        this.cancel(request.watchId, '');
        return;
      case 'progress':
        // etcd 3.4 answers a progress request with one response for the whole stream.
        this.respond({ watchId: -1 });
        return;
    }
  }

  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.values()) watcher.cancel();
    this.watchers.clear();
  }

  /** The node is going away: every watcher ends and the client is told. */
  end(): void {
    if (this.closed) return;
    this.close();
    this.handlers.onEnd();
  }

  private create(request: WatchCreateRequest): void {
    const watchId = request.watchId !== undefined && request.watchId > 0 ? request.watchId : this.freshId();
    if (this.watchers.has(watchId) || this.watchers.size >= watchersPerStreamMax) {
      const reason = this.watchers.has(watchId)
        ? 'watch id already in use'
        : 'too many watchers on this stream';
      this.respond({ watchId, created: true, canceled: true, cancelReason: reason });
      return;
    }
    // The created response goes first; history follows from inside watch().
    this.respond({ watchId, created: true });
    let compacted = false;
    const watcher = this.store.watch(
      {
        key: request.key,
        ...(request.rangeEnd ? { rangeEnd: request.rangeEnd } : {}),
        ...(request.startRevision ? { startRevision: request.startRevision } : {}),
        ...(request.prevKv ? { prevKv: true } : {}),
        ...(request.filters ? { filters: request.filters } : {}),
      },
      (delivery) => {
        if (this.closed) return true;
        if (delivery.type === 'compacted') compacted = true;
        this.deliver(watchId, delivery);
        return true;
      },
    );
    if (compacted) watcher.cancel();
    else this.watchers.set(watchId, watcher);
  }

  private deliver(watchId: number, delivery: WatchDelivery): void {
    switch (delivery.type) {
      case 'events':
        this.respond({ watchId, events: delivery.events });
        return;
      case 'progress':
        this.respond({ watchId });
        return;
      case 'compacted':
        this.watchers.get(watchId)?.cancel();
        this.watchers.delete(watchId);
        this.respond({
          watchId,
          canceled: true,
          compactRevision: delivery.compactRevision,
          cancelReason: 'mvcc: required revision has been compacted',
        });
        return;
    }
  }

  private cancel(watchId: number, reason: string): void {
    const watcher = this.watchers.get(watchId);
    if (watcher === undefined) return;
    watcher.cancel();
    this.watchers.delete(watchId);
    this.respond({ watchId, canceled: true, cancelReason: reason });
  }

  private freshId(): number {
    while (this.watchers.has(this.nextWatchId)) this.nextWatchId++;
    return this.nextWatchId++;
  }

  private respond(fields: Partial<WatchResponse> & { watchId: number }): void {
    this.handlers.onResponse({
      header: this.header(),
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events: [],
      ...fields,
    });
  }
}
