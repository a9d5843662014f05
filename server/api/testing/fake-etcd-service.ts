// A small in-memory EtcdService for testing the API layer alone: one key space with a
// revision counter, single-revision watches (no history), leases without expiry, one
// member. It is not etcd-ts's store (server/mvcc is); it only answers well enough to
// check that requests and responses cross the wire intact. Putting the key "boom"
// throws a plain Error, to test how the server handles a bug in the service.

import { EtcdError } from '../errors.js';
import type { EtcdService, WatchStream, WatchStreamHandlers } from '../service.js';
import { frameSnapshot } from '../snapshot-framing.js';
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  KeyValue,
  LockRequest,
  LockResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  ResponseOp,
  SnapshotChunk,
  TxnRequest,
  TxnResponse,
  WatchCreateRequest,
} from '../types.js';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

interface Watcher {
  readonly id: number;
  readonly request: WatchCreateRequest;
  readonly handlers: WatchStreamHandlers;
}

export class FakeEtcdService implements EtcdService {
  readonly clusterId = 0x1234;
  readonly memberId = 0x42;
  private revision = 1;
  private compactedRevision = 0;
  private readonly keys = new Map<string, KeyValue>();
  private readonly leases = new Map<number, number>();
  private readonly watchers = new Set<Watcher>();
  private nextLeaseId = 1000;
  /** Called whenever a watch stream is closed by its user (the gRPC layer). */
  readonly streamCloseListeners = new Set<() => void>();
  /** Calls received per method name, for tests that check a request never arrived. */
  readonly calls = new Map<string, number>();

  header(): ResponseHeader {
    return { clusterId: this.clusterId, memberId: this.memberId, revision: this.revision, raftTerm: 7 };
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }

  private matches(start: Uint8Array, end: Uint8Array | undefined, key: string): boolean {
    const from = text(start);
    if (end === undefined || end.length === 0) return key === from;
    if (end.length === 1 && end[0] === 0) return key >= from;
    return key >= from && key < text(end);
  }

  async range(request: RangeRequest): Promise<RangeResponse> {
    this.count('range');
    const revision = request.revision ?? 0;
    if (revision > this.revision) throw EtcdError.of('futureRevision');
    if (revision > 0 && revision < this.compactedRevision) throw EtcdError.of('compacted');
    const all = [...this.keys.entries()]
      .filter(([key]) => this.matches(request.key, request.rangeEnd, key))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, kv]) => (request.keysOnly ? { ...kv, value: new Uint8Array(0) } : kv));
    const limit = request.limit ?? 0;
    const kvs = request.countOnly ? [] : limit > 0 ? all.slice(0, limit) : all;
    return { header: this.header(), kvs, more: limit > 0 && all.length > limit, count: all.length };
  }

  async put(request: PutRequest): Promise<PutResponse> {
    this.count('put');
    if (text(request.key) === 'boom') throw new Error('the fake service exploded');
    const lease = request.lease ?? 0;
    if (lease !== 0 && !this.leases.has(lease)) throw EtcdError.of('leaseNotFound');
    this.revision += 1;
    const prevKv = this.writeKey(request.key, request.value, lease);
    return { header: this.header(), ...(request.prevKv && prevKv !== undefined ? { prevKv } : {}) };
  }

  private writeKey(key: Uint8Array, value: Uint8Array, lease: number): KeyValue | undefined {
    const previous = this.keys.get(text(key));
    const kv: KeyValue = {
      key,
      value,
      lease,
      createRevision: previous?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (previous?.version ?? 0) + 1,
    };
    this.keys.set(text(key), kv);
    this.notify({ type: 'PUT', kv, ...(previous === undefined ? {} : { prevKv: previous }) });
    return previous;
  }

  async deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    this.count('deleteRange');
    const doomed = [...this.keys.entries()].filter(([key]) =>
      this.matches(request.key, request.rangeEnd, key),
    );
    if (doomed.length > 0) this.revision += 1;
    for (const [key, kv] of doomed) {
      this.keys.delete(key);
      const tombstone: KeyValue = { ...kv, value: new Uint8Array(0), modRevision: this.revision, version: 0 };
      this.notify({ type: 'DELETE', kv: tombstone, prevKv: kv });
    }
    const prevKvs = request.prevKv ? doomed.map(([, kv]) => kv) : [];
    return { header: this.header(), deleted: doomed.length, prevKvs };
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    this.count('txn');
    const succeeded = request.compare.every((compare) => this.holds(compare));
    const responses: ResponseOp[] = [];
    for (const op of succeeded ? request.success : request.failure) {
      if (op.type === 'range') responses.push({ type: 'range', response: await this.range(op.request) });
      if (op.type === 'put') responses.push({ type: 'put', response: await this.put(op.request) });
      if (op.type === 'deleteRange') {
        responses.push({ type: 'deleteRange', response: await this.deleteRange(op.request) });
      }
      if (op.type === 'txn') responses.push({ type: 'txn', response: await this.txn(op.request) });
    }
    return { header: this.header(), succeeded, responses };
  }

  private holds(compare: Compare): boolean {
    const kv = this.keys.get(text(compare.key));
    const [actual, expected] = ((): [number | string, number | string] => {
      switch (compare.target) {
        case 'VERSION':
          return [kv?.version ?? 0, compare.version];
        case 'CREATE':
          return [kv?.createRevision ?? 0, compare.createRevision];
        case 'MOD':
          return [kv?.modRevision ?? 0, compare.modRevision];
        case 'VALUE':
          return [text(kv?.value ?? new Uint8Array(0)), text(compare.value)];
        case 'LEASE':
          return [kv?.lease ?? 0, compare.lease];
      }
    })();
    switch (compare.result) {
      case 'EQUAL':
        return actual === expected;
      case 'NOT_EQUAL':
        return actual !== expected;
      case 'GREATER':
        return actual > expected;
      case 'LESS':
        return actual < expected;
    }
  }

  async compact(request: { revision: number }) {
    this.count('compact');
    if (request.revision > this.revision) throw EtcdError.of('futureRevision');
    if (request.revision <= this.compactedRevision) throw EtcdError.of('compacted');
    this.compactedRevision = request.revision;
    return { header: this.header() };
  }

  private notify(event: Event): void {
    for (const watcher of this.watchers) {
      const { request } = watcher;
      if (!this.matches(request.key, request.rangeEnd, text(event.kv.key))) continue;
      const { prevKv, ...rest } = event;
      const delivered: Event = request.prevKv && prevKv !== undefined ? event : rest;
      watcher.handlers.onResponse({ ...this.watchBase(watcher.id), events: [delivered] });
    }
  }

  private watchBase(watchId: number) {
    return {
      header: this.header(),
      watchId,
      created: false,
      canceled: false,
      compactRevision: 0,
      cancelReason: '',
      fragment: false,
      events: [],
    };
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    this.count('watch');
    const mine = new Map<number, Watcher>();
    let nextId = 0;
    let closed = false;
    return {
      send: (request) => {
        if (closed) throw new Error('watch stream is closed');
        if (request.type === 'create') {
          const id = request.request.watchId || nextId++;
          const startRevision = request.request.startRevision ?? 0;
          if (startRevision > 0 && startRevision < this.compactedRevision) {
            const base = this.watchBase(id);
            handlers.onResponse({ ...base, created: true });
            handlers.onResponse({ ...base, canceled: true, compactRevision: this.compactedRevision });
            return;
          }
          const watcher: Watcher = { id, request: request.request, handlers };
          mine.set(id, watcher);
          this.watchers.add(watcher);
          handlers.onResponse({ ...this.watchBase(id), created: true });
        } else if (request.type === 'cancel') {
          const watcher = mine.get(request.watchId);
          if (watcher === undefined) return;
          mine.delete(request.watchId);
          this.watchers.delete(watcher);
          handlers.onResponse({ ...this.watchBase(request.watchId), canceled: true });
        } else {
          handlers.onResponse({ ...this.watchBase(-1) });
        }
      },
      close: () => {
        closed = true;
        for (const watcher of mine.values()) this.watchers.delete(watcher);
        for (const listener of this.streamCloseListeners) listener();
      },
    };
  }

  /** How many watchers are registered, across streams. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  async leaseGrant(request: { ttlSeconds: number; id?: number }) {
    const id = request.id || this.nextLeaseId++;
    if (this.leases.has(id)) throw EtcdError.of('leaseExists');
    this.leases.set(id, request.ttlSeconds);
    return { header: this.header(), id, ttlSeconds: request.ttlSeconds, error: '' };
  }

  async leaseRevoke(request: { id: number }) {
    if (!this.leases.delete(request.id)) throw EtcdError.of('leaseNotFound');
    return { header: this.header() };
  }

  async leaseKeepAlive(request: { id: number }) {
    const ttlSeconds = this.leases.get(request.id);
    if (ttlSeconds === undefined) throw EtcdError.of('leaseNotFound');
    return { header: this.header(), id: request.id, ttlSeconds };
  }

  async leaseTimeToLive(request: { id: number; keys?: boolean }) {
    const ttlSeconds = this.leases.get(request.id) ?? -1;
    const keys = request.keys
      ? [...this.keys.values()].filter((kv) => kv.lease === request.id).map((kv) => kv.key)
      : [];
    return {
      header: this.header(),
      id: request.id,
      ttlSeconds,
      grantedTtlSeconds: Math.max(ttlSeconds, 0),
      keys,
    };
  }

  async leaseLeases() {
    return { header: this.header(), leases: [...this.leases.keys()].map((id) => ({ id })) };
  }

  private readonly member = {
    id: this.memberId,
    name: 'fake',
    peerUrls: ['http://127.0.0.1:2380'],
    clientUrls: ['http://127.0.0.1:2379'],
    isLearner: false,
  };

  async memberList() {
    return { header: this.header(), members: [this.member] };
  }

  async memberAdd(request: { peerUrls: readonly string[]; isLearner?: boolean }) {
    const member = {
      id: 77,
      name: '',
      peerUrls: request.peerUrls,
      clientUrls: [],
      isLearner: !!request.isLearner,
    };
    return { header: this.header(), member, members: [this.member, member] };
  }

  async memberRemove(request: { id: number }) {
    if (request.id !== this.memberId) throw EtcdError.of('memberNotFound');
    return { header: this.header(), members: [] };
  }

  async memberUpdate(request: { id: number; peerUrls: readonly string[] }) {
    if (request.id !== this.memberId) throw EtcdError.of('memberNotFound');
    return { header: this.header(), members: [{ ...this.member, peerUrls: request.peerUrls }] };
  }

  async memberPromote(): Promise<never> {
    throw EtcdError.of('memberNotLearner');
  }

  async status() {
    return {
      header: this.header(),
      version: '3.4.0',
      dbSizeBytes: 4096,
      leader: this.memberId,
      raftIndex: 10,
      raftTerm: 7,
      raftAppliedIndex: 10,
      errors: [],
      dbSizeInUseBytes: 2048,
      isLearner: false,
    };
  }

  async hash() {
    return { header: this.header(), hash: 0xdeadbeef };
  }

  async hashKv() {
    return { header: this.header(), hash: 0xfeedf00d, compactRevision: this.compactedRevision };
  }

  async *snapshot(): AsyncGenerator<SnapshotChunk> {
    const framed = Buffer.from(frameSnapshot(Buffer.from('first-second-last')));
    const blobs = [framed.subarray(0, 300), framed.subarray(300, 500), framed.subarray(500)];
    let remainingBytes = blobs.reduce((sum, blob) => sum + blob.length, 0);
    for (const blob of blobs) {
      remainingBytes -= blob.length;
      yield { header: this.header(), remainingBytes, blob };
    }
  }

  async alarm() {
    return { header: this.header(), alarms: [{ memberId: this.memberId, alarm: 'NOSPACE' as const }] };
  }

  async defragment() {
    return { header: this.header() };
  }

  async lock(request: LockRequest): Promise<LockResponse> {
    if (!this.leases.has(request.lease)) throw EtcdError.of('leaseNotFound');
    const key = Buffer.concat([Buffer.from(request.name), Buffer.from(`/${request.lease.toString(16)}`)]);
    return { header: this.header(), key };
  }

  async unlock() {
    return { header: this.header() };
  }
}
