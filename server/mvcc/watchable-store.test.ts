// Watch tests: history then live events, atomic per revision, compacted start, cancel,
// filters, prev_kv, progress, slow consumers catching up, and a property that any
// watcher sees exactly the store's history of its range, in order, once.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { KvStore } from './kv-store.js';
import { WatchableStore, type WatchDelivery } from './watchable-store.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 60);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

function write(store: KvStore, ops: ([string, string] | [string])[]): number {
  const txn = store.beginWrite();
  for (const op of ops) {
    if (op.length === 2) txn.put(bytes(op[0]), bytes(op[1]), 0);
    else txn.deleteRange(bytes(op[0]), undefined);
  }
  return txn.commit();
}

function describeDelivery(delivery: WatchDelivery): string {
  if (delivery.type === 'compacted') return `compacted@${delivery.compactRevision}`;
  if (delivery.type === 'progress') return `progress@${delivery.revision}`;
  const events = delivery.events.map((event) => {
    const prev = event.prevKv === undefined ? '' : `(was ${text(event.prevKv.value)})`;
    return `${event.type}${text(event.kv.key)}=${text(event.kv.value)}@${event.kv.modRevision}${prev}`;
  });
  return `${delivery.revision}:${events.join(',')}`;
}

function collect(): { seen: string[]; sink: (delivery: WatchDelivery) => boolean } {
  const seen: string[] = [];
  const sink = (delivery: WatchDelivery): boolean => {
    seen.push(describeDelivery(delivery));
    return true;
  };
  return { seen, sink };
}

describe('WatchableStore', () => {
  test('watch() from a past revision gets history, then live events, one revision per live delivery', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    write(store, [['a', '1']]); // 2
    write(store, [
      ['b', '1'],
      ['a', '2'],
    ]); // 3
    const { seen, sink } = collect();
    const watcher = hub.watch({ key: bytes('a'), rangeEnd: bytes('c'), startRevision: 2 }, sink);
    expect(watcher.synced).toBe(true);
    write(store, [
      ['a', '3'],
      ['b', '2'],
    ]); // 4
    write(store, [['z', '1']]); // 5: outside the range, nothing delivered
    expect(seen).toEqual(['3:PUTa=1@2,PUTb=1@3,PUTa=2@3', '4:PUTa=3@4,PUTb=2@4']);
  });

  test('watch() with startRevision 0 only gets revisions after now', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    write(store, [['a', '1']]);
    const { seen, sink } = collect();
    hub.watch({ key: bytes('a') }, sink);
    write(store, [['a', '2']]);
    expect(seen).toEqual(['3:PUTa=2@3']);
  });

  test('watch() on a compacted revision gets the compacted error with the compact revision', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    for (let index = 0; index < 5; index++) write(store, [['a', `${index}`]]);
    store.compact(4);
    const { seen, sink } = collect();
    hub.watch({ key: bytes('a'), startRevision: 3 }, sink);
    expect(seen).toEqual(['compacted@4']);
    expect(hub.watcherCount).toBe(0);
    const resumed = collect();
    hub.watch({ key: bytes('a'), startRevision: 5 }, resumed.sink);
    expect(resumed.seen).toEqual(['6:PUTa=3@5,PUTa=4@6']);
  });

  test('watch() filters and prevKv: NOPUT keeps deletes, prevKv carries the value before', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    const deletes = collect();
    const withPrevious = collect();
    hub.watch({ key: bytes('k'), filters: ['NOPUT'], prevKv: true }, deletes.sink);
    hub.watch({ key: bytes('k'), filters: ['NODELETE'], prevKv: true }, withPrevious.sink);
    write(store, [['k', '1']]);
    write(store, [['k', '2']]);
    write(store, [['k']]);
    expect(deletes.seen).toEqual(['4:DELETEk=@4(was 2)']);
    expect(withPrevious.seen).toEqual(['2:PUTk=1@2', '3:PUTk=2@3(was 1)']);
  });

  test('Watcher.cancel() stops deliveries', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    const { seen, sink } = collect();
    const watcher = hub.watch({ key: bytes('k') }, sink);
    write(store, [['k', '1']]);
    watcher.cancel();
    write(store, [['k', '2']]);
    expect(seen).toEqual(['2:PUTk=1@2']);
    expect(hub.watcherCount).toBe(0);
  });

  test('progress() reports the current revision to synced watchers only', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store, { historicEventsMax: 1 });
    for (let index = 0; index < 3; index++) write(store, [['a', `${index}`]]);
    const synced = collect();
    const behind = collect();
    hub.watch({ key: bytes('b') }, synced.sink);
    const lagging = hub.watch({ key: bytes('a'), startRevision: 2 }, behind.sink);
    expect(lagging.synced).toBe(false);
    hub.progressAll();
    expect(synced.seen).toEqual(['progress@4']);
    expect(behind.seen).toEqual(['2:PUTa=0@2']);
  });

  test('syncUnsynced() serves history in bounded batches of whole revisions', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store, { historicEventsMax: 2 });
    write(store, [
      ['a', '1'],
      ['a', '2'],
      ['a', '3'],
    ]); // 2: three events, never split
    write(store, [['a', '4']]); // 3
    write(store, [['a', '5']]); // 4
    const { seen, sink } = collect();
    hub.watch({ key: bytes('a'), startRevision: 1 }, sink);
    expect(hub.syncUnsynced()).toBe(0);
    expect(seen).toEqual(['2:PUTa=1@2,PUTa=2@2,PUTa=3@2', '4:PUTa=4@3,PUTa=5@4']);
  });

  test('a slow watcher that refuses a delivery catches up later without loss or repeats', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store);
    const seen: string[] = [];
    let open = true;
    hub.watch({ key: bytes('k') }, (delivery) => {
      if (open) seen.push(describeDelivery(delivery));
      return open;
    });
    write(store, [['k', '1']]);
    open = false;
    write(store, [['k', '2']]);
    write(store, [['k', '3']]);
    open = true;
    hub.syncUnsynced();
    write(store, [['k', '4']]);
    expect(seen).toEqual(['2:PUTk=1@2', '4:PUTk=2@3,PUTk=3@4', '5:PUTk=4@5']);
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.boolean()), { minLength: 1, maxLength: 25 }),
      fc.nat(10),
      fc.integer({ min: 1, max: 4 }),
    ],
    { seed, numRuns },
  )(
    'watch() delivers each event of its range once, in revision order, whole revisions',
    (ops, startBack, batch) => {
      const store = new KvStore();
      const hub = new WatchableStore(store, { historicEventsMax: batch });
      const half = Math.floor(ops.length / 2);
      const apply = ([key, isPut]: [string, boolean], index: number) =>
        write(store, isPut ? [[key, `${index}`]] : [[key]]);
      for (const [index, op] of ops.slice(0, half).entries()) apply(op, index);
      const start = Math.max(1, store.currentRevision - startBack);
      const revisions: number[] = [];
      const events: string[] = [];
      hub.watch({ key: bytes('a'), rangeEnd: bytes('c'), startRevision: start }, (delivery) => {
        if (delivery.type !== 'events') return true;
        for (const event of delivery.events) {
          revisions.push(event.kv.modRevision);
          events.push(`${event.type}${text(event.kv.key)}@${event.kv.modRevision}`);
        }
        return true;
      });
      for (const [index, op] of ops.slice(half).entries()) apply(op, index + half);
      for (let round = 0; round < 100 && hub.syncUnsynced() > 0; round++) {
        // Each round serves one bounded batch.
      }
      const expected: string[] = [];
      for (let revision = start; revision <= store.currentRevision; revision++) {
        for (const change of store.changes.get(revision) ?? []) {
          const key = text(change!.kv.key);
          if (key >= 'a' && key < 'c') expected.push(`${change!.type}${key}@${revision}`);
        }
      }
      expect(events).toEqual(expected);
      expect([...revisions].sort((left, right) => left - right)).toEqual(revisions);
    },
  );
});

describe('WatchableStore with a slow consumer', () => {
  test('syncUnsynced() serves watchers in turn, so a stuck one does not starve the others', () => {
    const store = new KvStore();
    const hub = new WatchableStore(store, { syncWatchersMax: 1 });
    write(store, [['k', '1']]);
    const stuck = hub.watch({ key: bytes('k'), startRevision: 1 }, () => false);
    let open = false;
    const seen: string[] = [];
    const healthy = hub.watch({ key: bytes('k'), startRevision: 1 }, (delivery) => {
      if (open) seen.push(describeDelivery(delivery));
      return open;
    });
    open = true;
    expect(hub.syncUnsynced()).toBe(2); // the stuck watcher's turn
    expect(hub.syncUnsynced()).toBe(1); // then the healthy one's
    expect([stuck.synced, healthy.synced, seen]).toEqual([false, true, ['2:PUTk=1@2']]);
  });

  test.prop(
    [
      fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.boolean()), { minLength: 1, maxLength: 30 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
    ],
    { seed, numRuns },
  )('watch() loses and repeats nothing when the sink refuses deliveries at random', (ops, refusals) => {
    const store = new KvStore();
    const hub = new WatchableStore(store, { historicEventsMax: 2 });
    const seen: string[] = [];
    let call = 0;
    hub.watch({ key: bytes('a'), rangeEnd: bytes('z'), startRevision: 1 }, (delivery) => {
      if (refusals[call++ % refusals.length]) return false;
      if (delivery.type === 'events')
        for (const event of delivery.events)
          seen.push(`${event.type}${text(event.kv.key)}@${event.kv.modRevision}`);
      return true;
    });
    for (const [index, [key, isPut]] of ops.entries()) write(store, isPut ? [[key, `${index}`]] : [[key]]);
    // Refusals repeat with the pattern, so a bounded number of rounds always drains.
    for (let round = 0; round < 1000 && hub.syncUnsynced() > 0; round++) {
      // Each round retries one batch.
    }
    const expected: string[] = [];
    for (let revision = 1; revision <= store.currentRevision; revision++) {
      for (const change of store.changes.get(revision) ?? [])
        expected.push(`${change!.type}${text(change!.kv.key)}@${revision}`);
    }
    if (refusals.every((refused) => refused)) expect(seen).toEqual([]);
    else expect(seen).toEqual(expected);
  });
});
