// hashKv() tests: equal histories hash alike, a different value or a later revision does
// not, a compacted revision a later put replaced no longer counts (as in etcd 3.4), and
// bad revisions get etcd's errors.

import { describe, expect, test } from 'vitest';
import { hashKv } from './hash-kv.js';
import { KvStore } from './kv-store.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function build(lastValue: string): KvStore {
  const store = new KvStore();
  for (const [key, value] of [
    ['a', '1'],
    ['b', '2'],
    ['a', lastValue],
  ] as const) {
    const txn = store.beginWrite();
    txn.put(bytes(key), bytes(value), 0);
    txn.commit();
  }
  const txn = store.beginWrite();
  txn.deleteRange(bytes('b'), undefined);
  txn.commit();
  return store;
}

describe('hashKv', () => {
  test('hashKv() is equal for equal histories and differs for a different value', () => {
    expect(hashKv(build('3'))).toEqual(hashKv(build('3')));
    expect(hashKv(build('3')).hash).not.toBe(hashKv(build('4')).hash);
  });

  test('hashKv() at a past revision ignores later revisions', () => {
    const store = build('3');
    const before = hashKv(store, 3);
    const txn = store.beginWrite();
    txn.put(bytes('z'), bytes('9'), 0);
    txn.commit();
    expect(hashKv(store, 3)).toEqual(before);
    expect(hashKv(store).hash).not.toBe(before.hash);
    expect(hashKv(store).revision).toBe(6);
  });

  test('hashKv() rejects future and compacted revisions', () => {
    const store = build('3');
    store.compact(4);
    expect(() => hashKv(store, 9)).toThrow('etcdserver: mvcc: required revision is a future revision');
    expect(() => hashKv(store, 3)).toThrow('etcdserver: mvcc: required revision has been compacted');
    expect(() => hashKv(store, 4)).toThrow('etcdserver: mvcc: required revision has been compacted');
    expect(hashKv(store).compactRevision).toBe(4);
  });

  test('hashKv() skips a compacted revision that a later put replaced', () => {
    const history = (firstValue: string): KvStore => {
      const store = new KvStore();
      for (const [key, value] of [
        ['a', firstValue],
        ['b', 'kept'],
      ] as const) {
        const txn = store.beginWrite();
        txn.put(bytes(key), bytes(value), 0);
        txn.commit();
      }
      store.compact(3);
      return store;
    };
    const first = history('1');
    const second = history('2');
    // Right after the compaction a@2 is still the visible value, so it counts.
    expect(hashKv(first).hash).not.toBe(hashKv(second).hash);
    for (const store of [first, second]) {
      const txn = store.beginWrite();
      txn.put(bytes('a'), bytes('3'), 0);
      txn.commit();
    }
    // a@4 replaced a@2: only b@3 and a@4 count now.
    expect(hashKv(first)).toEqual(hashKv(second));
    expect(hashKv(first)).toEqual({ hash: hashKv(second).hash, compactRevision: 3, revision: 4 });
  });
});
