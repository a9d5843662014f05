// Lessor tests: grant with etcd's minimum TTL, revoke deleting attached keys in one
// revision, keep-alive on the leader only, expiry by the clock, promotion extending
// TTLs, time-to-live, and the snapshot round trip.

import { describe, expect, test } from 'vitest';
import { CodecError } from '../codec/index.js';
import { KvStore } from '../mvcc/kv-store.js';
import { encodeLeases, restoreLeases } from './lease-snapshot.js';
import { expiredLeaseRetryMs, Lessor } from './lessor.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

function setup(): { store: KvStore; lessor: Lessor } {
  const store = new KvStore();
  const lessor = new Lessor();
  store.leases = lessor;
  return { store, lessor };
}

function put(store: KvStore, key: string, lease: number): void {
  const txn = store.beginWrite();
  txn.put(bytes(key), bytes('v'), lease);
  txn.commit();
}

describe('Lessor', () => {
  test('grant() raises the TTL to the minimum and rejects duplicates and huge TTLs', () => {
    const { lessor } = setup();
    expect(lessor.grant(1, 1, 0).ttlSeconds).toBe(2);
    expect(lessor.grant(2, 60, 0).ttlSeconds).toBe(60);
    expect(() => lessor.grant(1, 5, 0)).toThrow('etcdserver: lease already exists');
    expect(() => lessor.grant(3, 9_000_000_001, 0)).toThrow('etcdserver: too large lease TTL');
    expect(lessor.leaseIds()).toEqual([1, 2]);
    expect(() => new Lessor({ minTtlSeconds: 0 })).toThrow("Cannot use 'minTtlSeconds' = 0");
  });

  test('revoke() deletes every attached key at one revision and forgets the lease', () => {
    const { store, lessor } = setup();
    lessor.grant(7, 10, 0);
    put(store, 'b', 7);
    put(store, 'a', 7);
    put(store, 'c', 0);
    const txn = store.beginWrite();
    lessor.revoke(7, txn);
    expect(txn.commit()).toBe(5);
    expect(store.changes.get(5)?.map((change) => `${change?.type}${text(change!.kv.key)}`)).toEqual([
      'DELETEa',
      'DELETEb',
    ]);
    expect(store.range(bytes('a'), new Uint8Array([0])).kvs.map((kv) => text(kv.key))).toEqual(['c']);
    expect(() => lessor.revoke(7, store.beginWrite())).toThrow('etcdserver: requested lease not found');
  });

  test('attach() follows puts: a new lease on a key detaches the old one, a delete detaches', () => {
    const { store, lessor } = setup();
    lessor.grant(1, 10, 0);
    lessor.grant(2, 10, 0);
    put(store, 'k', 1);
    put(store, 'k', 2);
    expect(lessor.timeToLive(1, 0).keys).toEqual([]);
    expect(lessor.timeToLive(2, 0).keys.map(text)).toEqual(['k']);
    const txn = store.beginWrite();
    txn.deleteRange(bytes('k'), undefined);
    txn.commit();
    expect(lessor.timeToLive(2, 0).keys).toEqual([]);
  });

  test('renew() works on the leader only and restarts the TTL from now', () => {
    const { lessor } = setup();
    lessor.grant(1, 10, 0);
    expect(() => lessor.renew(1, 0)).toThrow('etcdserver: not leader');
    lessor.promote(1000, 0);
    expect(lessor.timeToLive(1, 1000).ttlSeconds).toBe(10);
    expect(lessor.renew(1, 5000)).toBe(10);
    expect(lessor.timeToLive(1, 5500).ttlSeconds).toBe(9);
    expect(() => lessor.renew(1, 15_000)).toThrow('etcdserver: requested lease not found');
    expect(() => lessor.renew(99, 0)).toThrow('etcdserver: requested lease not found');
  });

  test('expiredLeases() reports leases past expiry on the leader, again only after the retry interval', () => {
    const { lessor } = setup();
    lessor.promote(0, 0);
    lessor.grant(1, 5, 0);
    lessor.grant(2, 10, 0);
    expect(lessor.expiredLeases(4999)).toEqual([]);
    expect(lessor.expiredLeases(5000)).toEqual([1]);
    expect(lessor.expiredLeases(5001)).toEqual([]);
    expect(lessor.expiredLeases(5000 + expiredLeaseRetryMs)).toEqual([1]);
    expect(lessor.expiredLeases(20_000)).toEqual([1, 2]);
    lessor.demote();
    expect(lessor.expiredLeases(99_000)).toEqual([]);
  });

  test('promote() gives every lease its full TTL plus the extension from now', () => {
    const { lessor } = setup();
    lessor.grant(1, 10, 0);
    lessor.promote(50_000, 2000);
    expect(lessor.lookup(1)?.expiryMs).toBe(62_000);
    expect(lessor.timeToLive(1, 50_000).ttlSeconds).toBe(12);
  });

  test('promote() spreads expiries when more than the revoke rate would expire together', () => {
    const { lessor } = setup();
    for (let id = 1; id <= 2000; id++) lessor.grant(id, 10, 0);
    lessor.promote(0, 0);
    const perSecond = new Map<number, number>();
    for (const id of lessor.leaseIds()) {
      const second = Math.floor(lessor.lookup(id)!.expiryMs! / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(1000);
    expect(Math.min(...lessor.leaseIds().map((id) => lessor.lookup(id)!.expiryMs!))).toBe(10_000);
  });

  test('restoreLeases(encodeLeases()) keeps ids, TTLs and attached keys', () => {
    const { store, lessor } = setup();
    lessor.grant(3, 30, 0);
    lessor.grant(1, 10, 0);
    put(store, 'x', 3);
    const other = new Lessor();
    restoreLeases(other, encodeLeases(lessor), { store, nowMs: 0 });
    expect(other.leaseIds()).toEqual([1, 3]);
    expect(other.timeToLive(3, 0)).toEqual(lessor.timeToLive(3, 0));
    expect(encodeLeases(other)).toEqual(encodeLeases(lessor));
  });

  test('restoreLeases() rejects a lease without id and keys attached to unknown leases', () => {
    const { store, lessor } = setup();
    expect(() =>
      restoreLeases(new Lessor(), new Uint8Array([0x0a, 0x02, 0x10, 0x05]), { store, nowMs: 0 }),
    ).toThrow(CodecError);
    lessor.grant(4, 10, 0);
    put(store, 'k', 4);
    expect(() => restoreLeases(new Lessor(), new Uint8Array(0), { store, nowMs: 0 })).toThrow(
      'unknown lease 4',
    );
  });
});
