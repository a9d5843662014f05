// A small in-memory etcd for workload tests: one key space with a revision counter and
// a full change log (so reads at a revision and watches from a revision work), leases
// that expire on an injected Clock, and a v3lock on top of them. Requests complete
// synchronously (in a microtask), which keeps test runs deterministic. `staleReads`
// plants a bug: linearizable reads are served from a state some revisions old.

import { EtcdError } from '../../server/api/errors.js';
import type { WatchStream, WatchStreamHandlers } from '../../server/api/service.js';
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  KeyValue,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LockRequest,
  LockResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnRequest,
  TxnResponse,
  UnlockRequest,
  UnlockResponse,
  WatchCreateRequest,
} from '../../server/api/types.js';
import type { Clock, TimerHandle } from '../../server/ports/clock.js';
import type { WorkloadService } from '../service-client.js';
import { bytes, text } from '../workload.js';

export interface MemoryEtcdOptions {
  readonly clock: Clock;
  /** Plant a bug: reads see the state this many revisions old. Default 0 (correct). */
  readonly staleReads?: number;
}

interface Change {
  readonly revision: number;
  readonly event: Event;
}

interface Watcher {
  readonly id: number;
  readonly request: WatchCreateRequest;
  readonly handlers: WatchStreamHandlers;
  sentRevision: number;
}

const compareBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

function inRange(key: Uint8Array, start: Uint8Array, end: Uint8Array | undefined): boolean {
  if (end === undefined || end.length === 0) return compareBytes(key, start) === 0;
  if (end.length === 1 && end[0] === 0) return compareBytes(key, start) >= 0;
  return compareBytes(key, start) >= 0 && compareBytes(key, end) < 0;
}

export class MemoryEtcd implements WorkloadService {
  private revision = 1;
  private readonly keys = new Map<string, KeyValue>();
  private readonly changes: Change[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly leases = new Map<number, { ttlSeconds: number; timer: TimerHandle }>();
  private readonly lockWaiters: Array<() => void> = [];
  private nextId = 1;

  constructor(readonly options: MemoryEtcdOptions) {}

  header(): ResponseHeader {
    return { clusterId: 1, memberId: 1, revision: this.revision, raftTerm: 1 };
  }

  private stateAt(revision: number): Map<string, KeyValue> {
    if (revision >= this.revision) return this.keys;
    const state = new Map<string, KeyValue>();
    for (const change of this.changes) {
      if (change.revision > revision) break;
      const name = text(change.event.kv.key);
      if (change.event.type === 'PUT') state.set(name, change.event.kv);
      else state.delete(name);
    }
    return state;
  }

  private rangeNow(request: RangeRequest): RangeResponse {
    const stale = this.options.staleReads ?? 0;
    const revision = request.revision ? request.revision : Math.max(1, this.revision - stale);
    if (revision > this.revision) throw EtcdError.of('futureRevision');
    const state = this.stateAt(revision);
    const kvs = [...state.values()]
      .filter((kv) => inRange(kv.key, request.key, request.rangeEnd))
      .sort((a, b) => compareBytes(a.key, b.key));
    const limited = request.limit ? kvs.slice(0, request.limit) : kvs;
    return {
      header: this.header(),
      kvs: request.countOnly ? [] : limited,
      more: limited.length < kvs.length,
      count: kvs.length,
    };
  }

  private record(event: Event): void {
    this.changes.push({ revision: this.revision, event });
  }

  private putNow(request: PutRequest): PutResponse {
    if (request.lease && !this.leases.has(request.lease)) throw EtcdError.of('leaseNotFound');
    const name = text(request.key);
    const previous = this.keys.get(name);
    this.revision += 1;
    const kv: KeyValue = {
      key: request.key,
      value: request.value,
      createRevision: previous?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (previous?.version ?? 0) + 1,
      lease: request.lease ?? 0,
    };
    this.keys.set(name, kv);
    this.record({ type: 'PUT', kv });
    return { header: this.header(), ...(request.prevKv && previous ? { prevKv: previous } : {}) };
  }

  private deleteNow(request: DeleteRangeRequest, sameRevision = false): DeleteRangeResponse {
    const doomed = [...this.keys.values()].filter((kv) => inRange(kv.key, request.key, request.rangeEnd));
    if (doomed.length > 0 && !sameRevision) this.revision += 1;
    for (const kv of doomed) {
      this.keys.delete(text(kv.key));
      this.record({
        type: 'DELETE',
        kv: {
          key: kv.key,
          value: new Uint8Array(),
          createRevision: 0,
          modRevision: this.revision,
          version: 0,
          lease: 0,
        },
      });
    }
    return { header: this.header(), deleted: doomed.length, prevKvs: request.prevKv ? doomed : [] };
  }

  private holds(compare: Compare): boolean {
    const kv = this.keys.get(text(compare.key));
    let order: number;
    switch (compare.target) {
      case 'VALUE':
        if (kv === undefined) return false;
        order = compareBytes(kv.value, compare.value);
        break;
      case 'VERSION':
        order = (kv?.version ?? 0) - compare.version;
        break;
      case 'CREATE':
        order = (kv?.createRevision ?? 0) - compare.createRevision;
        break;
      case 'MOD':
        order = (kv?.modRevision ?? 0) - compare.modRevision;
        break;
      case 'LEASE':
        order = (kv?.lease ?? 0) - compare.lease;
        break;
    }
    if (compare.result === 'EQUAL') return order === 0;
    if (compare.result === 'NOT_EQUAL') return order !== 0;
    if (compare.result === 'GREATER') return order > 0;
    return order < 0;
  }

  private txnNow(request: TxnRequest): TxnResponse {
    const succeeded = request.compare.every((compare) => this.holds(compare));
    const ops = succeeded ? request.success : request.failure;
    const writes = ops.some((op) => op.type === 'put' || op.type === 'deleteRange');
    // One txn is one revision: puts after the first reuse it.
    const base = this.revision;
    const responses: ResponseOp[] = [];
    for (const op of ops) {
      if (op.type === 'range') {
        const state = this.keys;
        const kvs = [...state.values()].filter((kv) => inRange(kv.key, op.request.key, op.request.rangeEnd));
        responses.push({
          type: 'range',
          response: { header: this.header(), kvs, more: false, count: kvs.length },
        });
      } else if (op.type === 'put') {
        this.revision = base;
        responses.push({ type: 'put', response: this.putNow(op.request) });
      } else if (op.type === 'deleteRange') {
        if (this.revision === base) this.revision += 1;
        responses.push({ type: 'deleteRange', response: this.deleteNow(op.request, true) });
      } else {
        responses.push({ type: 'txn', response: this.txnNow(op.request) });
      }
    }
    if (writes && this.revision === base) this.revision += 1;
    this.notify();
    return { header: this.header(), succeeded, responses };
  }

  private notify(): void {
    for (const watcher of this.watchers) this.deliver(watcher);
    const waiters = this.lockWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  private deliver(watcher: Watcher): void {
    const events = this.changes
      .filter(
        (change) =>
          change.revision > watcher.sentRevision &&
          inRange(change.event.kv.key, watcher.request.key, watcher.request.rangeEnd),
      )
      .map((change) => change.event);
    watcher.sentRevision = this.revision;
    if (events.length === 0) return;
    watcher.handlers.onResponse({
      header: this.header(),
      watchId: watcher.id,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events,
    });
  }

  async range(request: RangeRequest): Promise<RangeResponse> {
    return this.rangeNow(request);
  }

  async put(request: PutRequest): Promise<PutResponse> {
    const response = this.putNow(request);
    this.notify();
    return response;
  }

  async deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    const response = this.deleteNow(request);
    this.notify();
    return response;
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    return this.txnNow(request);
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    const mine = new Set<Watcher>();
    return {
      send: (request) => {
        if (request.type !== 'create') return;
        const start = request.request.startRevision ? request.request.startRevision : this.revision + 1;
        const watcher: Watcher = {
          id: this.nextId++,
          request: request.request,
          handlers,
          sentRevision: start - 1,
        };
        mine.add(watcher);
        this.watchers.add(watcher);
        handlers.onResponse({
          header: this.header(),
          watchId: watcher.id,
          created: true,
          canceled: false,
          compactRevision: 0,
          cancelReason: '',
          fragment: false,
          events: [],
        });
        this.deliver(watcher);
      },
      close: () => {
        for (const watcher of mine) this.watchers.delete(watcher);
      },
    };
  }

  private expire(id: number): void {
    this.leases.delete(id);
    const attached = [...this.keys.values()].filter((kv) => kv.lease === id);
    if (attached.length === 0) return;
    this.revision += 1;
    for (const kv of attached) this.deleteNow({ key: kv.key }, true);
    this.notify();
  }

  private arm(id: number, ttlSeconds: number): TimerHandle {
    return this.options.clock.setTimer(ttlSeconds * 1000, () => this.expire(id));
  }

  async leaseGrant(request: LeaseGrantRequest): Promise<LeaseGrantResponse> {
    const id = request.id ? request.id : this.nextId++;
    if (this.leases.has(id)) throw EtcdError.of('leaseExists');
    this.leases.set(id, { ttlSeconds: request.ttlSeconds, timer: this.arm(id, request.ttlSeconds) });
    return { header: this.header(), id, ttlSeconds: request.ttlSeconds, error: '' };
  }

  async leaseKeepAlive(request: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    const lease = this.leases.get(request.id);
    if (lease === undefined) return { header: this.header(), id: request.id, ttlSeconds: 0 };
    lease.timer.cancel();
    lease.timer = this.arm(request.id, lease.ttlSeconds);
    return { header: this.header(), id: request.id, ttlSeconds: lease.ttlSeconds };
  }

  async leaseRevoke(request: LeaseRevokeRequest): Promise<LeaseRevokeResponse> {
    const lease = this.leases.get(request.id);
    if (lease === undefined) throw EtcdError.of('leaseNotFound');
    lease.timer.cancel();
    this.expire(request.id);
    return { header: this.header() };
  }

  /** v3lock: the owner key is name/lease; the oldest key under the name holds the lock. */
  async lock(request: LockRequest, options?: { signal?: AbortSignal }): Promise<LockResponse> {
    const name = text(request.name);
    const key = bytes(`${name}/${request.lease.toString(16)}`);
    if (!this.keys.has(text(key))) {
      this.putNow({ key, value: new Uint8Array(), lease: request.lease });
      this.notify();
    }
    for (;;) {
      const mine = this.keys.get(text(key));
      if (mine === undefined) throw EtcdError.of('leaseNotFound');
      const holders = [...this.keys.values()].filter((kv) => text(kv.key).startsWith(`${name}/`));
      const oldest = holders.reduce((a, b) => (a.createRevision <= b.createRevision ? a : b));
      if (oldest === mine) return { header: this.header(), key };
      if (options?.signal?.aborted) throw EtcdError.of('timeout');
      await new Promise<void>((resolve) => this.lockWaiters.push(resolve));
    }
  }

  async unlock(request: UnlockRequest): Promise<UnlockResponse> {
    this.deleteNow({ key: request.key });
    this.notify();
    return { header: this.header() };
  }

  async status(): Promise<StatusResponse> {
    return {
      header: this.header(),
      version: '3.4.0',
      dbSizeBytes: 0,
      leader: 1,
      raftIndex: this.revision,
      raftTerm: 1,
      raftAppliedIndex: this.revision,
      errors: [],
      dbSizeInUseBytes: 0,
      isLearner: false,
    };
  }
}
