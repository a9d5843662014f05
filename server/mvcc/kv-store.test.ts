// Model-based and unit tests for the MVCC store: random writes, compactions and reads at
// any revision are checked against a model that keeps a full copy of every revision.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { EtcdError } from '../api/errors.js';
import type { KeyValue } from '../api/types.js';
import { keyRange, prefixEnd } from './key-range.js';
import { KvStore } from './kv-store.js';

const encoder = new TextEncoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);
const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 60);

type ModelKv = { value: string; create: number; mod: number; version: number };
type Op = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string; end?: string };
type Command =
  | { type: 'write'; ops: Op[] }
  | { type: 'compact'; back: number }
  | { type: 'read'; key: string; end?: string; back: number; limit: number };

const keyArbitrary = fc.constantFrom('a', 'b', 'ba', 'c', 'd');
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key: keyArbitrary, value: fc.string({ maxLength: 3 }) }),
  fc.record({ type: fc.constant('delete' as const), key: keyArbitrary }),
  fc.record({
    type: fc.constant('delete' as const),
    key: keyArbitrary,
    end: fc.constantFrom('b', 'c', 'z', '\0'),
  }),
);
const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('write' as const),
      ops: fc.array(opArbitrary, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('compact' as const), back: fc.nat(6) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('read' as const),
      key: keyArbitrary,
      end: fc.option(fc.constantFrom('b', 'c', 'z', '\0'), { nil: undefined }),
      back: fc.nat(8),
      limit: fc.nat(3),
    }),
  },
);

function inModelRange(key: string, from: string, end: string | undefined): boolean {
  if (end === undefined) return key === from;
  if (end === '\0') return key >= from;
  return key >= from && key < end;
}

/** Applies one write to the model state and returns the next state (or the same if no change). */
function modelWrite(state: Map<string, ModelKv>, ops: Op[], revision: number): Map<string, ModelKv> {
  const next = new Map(state);
  for (const op of ops) {
    if (op.type === 'put') {
      const previous = next.get(op.key);
      next.set(op.key, {
        value: op.value,
        create: previous?.create ?? revision,
        mod: revision,
        version: (previous?.version ?? 0) + 1,
      });
    } else {
      for (const key of [...next.keys()]) if (inModelRange(key, op.key, op.end)) next.delete(key);
    }
  }
  return next;
}

describe('KvStore', () => {
  test.prop([fc.array(commandArbitrary, { maxLength: 40 })], { seed, numRuns })(
    'KvStore matches a model that keeps every revision',
    (commands) => {
      const store = new KvStore();
      const history: Map<string, ModelKv>[] = [new Map(), new Map()]; // index = revision
      let compacted = 0;
      for (const command of commands) {
        const current = history.length - 1;
        if (command.type === 'write') {
          const txn = store.beginWrite();
          for (const op of command.ops) {
            if (op.type === 'put') txn.put(bytes(op.key), bytes(op.value), 0);
            else txn.deleteRange(bytes(op.key), op.end === undefined ? undefined : bytes(op.end));
          }
          const changed = txn.hasChanges;
          expect(txn.commit()).toBe(changed ? current + 1 : current);
          if (changed) history.push(modelWrite(history[current]!, command.ops, current + 1));
        } else if (command.type === 'compact') {
          const target = current - command.back;
          if (target <= compacted || target < 1) {
            expect(() => store.compact(Math.max(target, 0))).toThrow(EtcdError);
          } else {
            store.compact(target);
            compacted = target;
          }
        } else {
          const revision = Math.max(1, current - command.back + 2); // may be in the future
          const end = command.end === undefined ? undefined : bytes(command.end);
          const read = () => store.range(bytes(command.key), end, { revision, limit: command.limit });
          if (revision > current) {
            expect(read).toThrow('etcdserver: mvcc: required revision is a future revision');
          } else if (revision < compacted) {
            expect(read).toThrow('etcdserver: mvcc: required revision has been compacted');
          } else {
            const result = read();
            const expected = [...history[revision]!.entries()]
              .filter(([key]) => inModelRange(key, command.key, command.end))
              .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
            expect(result.count).toBe(expected.length);
            const limited = command.limit > 0 ? expected.slice(0, command.limit) : expected;
            expect(result.kvs.map(describeKv)).toEqual(
              limited.map(([key, kv]) => `${key}=${kv.value}@${kv.create}/${kv.mod}/v${kv.version}`),
            );
          }
        }
        expect(store.currentRevision).toBe(history.length - 1);
      }
    },
  );

  test('KvStore.range() handles single key, range end, prefix and from-key', () => {
    const store = new KvStore();
    for (const key of ['a', 'ab', 'abc', 'b', 'c']) put(store, key, key.toUpperCase());
    expect(keys(store.range(bytes('ab'), undefined).kvs)).toEqual(['ab']);
    expect(keys(store.range(bytes('a'), bytes('b')).kvs)).toEqual(['a', 'ab', 'abc']);
    expect(keys(store.range(bytes('ab'), prefixEnd(bytes('ab'))).kvs)).toEqual(['ab', 'abc']);
    expect(keys(store.range(bytes('b'), new Uint8Array([0])).kvs)).toEqual(['b', 'c']);
    expect(keys(store.range(new Uint8Array([0]), new Uint8Array([0])).kvs)).toEqual([
      'a',
      'ab',
      'abc',
      'b',
      'c',
    ]);
    const limited = store.range(bytes('a'), new Uint8Array([0]), { limit: 2 });
    expect([keys(limited.kvs), limited.count]).toEqual([['a', 'ab'], 5]);
    const counted = store.range(bytes('a'), new Uint8Array([0]), { countOnly: true });
    expect([counted.kvs.length, counted.count]).toEqual([0, 5]);
  });

  test('KvStore.beginWrite() gives all changes of one txn one main revision and rising subs', () => {
    const store = new KvStore();
    const seen: string[] = [];
    store.onCommit((revision, changes) =>
      seen.push(`${revision}:${changes.map((c) => c.type + text(c.kv.key)).join(',')}`),
    );
    const txn = store.beginWrite();
    txn.put(bytes('x'), bytes('1'), 0);
    txn.put(bytes('x'), bytes('2'), 0);
    txn.put(bytes('y'), bytes('3'), 0);
    expect(txn.range(bytes('x'), undefined).kvs[0]?.version).toBe(2);
    expect(txn.commit()).toBe(2);
    expect(seen).toEqual(['2:PUTx,PUTx,PUTy']);
    expect(store.changes.get(2)?.length).toBe(3);
    const [x] = store.range(bytes('x'), undefined).kvs;
    expect([x?.createRevision, x?.modRevision, x?.version, text(x!.value)]).toEqual([2, 2, 2, '2']);
  });

  test('KvStore.compact() keeps the latest value of live keys and drops deleted ones', () => {
    const store = new KvStore();
    put(store, 'a', '1'); // 2
    put(store, 'a', '2'); // 3
    put(store, 'b', '1'); // 4
    del(store, 'b'); // 5
    put(store, 'c', '1'); // 6
    store.compact(5);
    expect(store.compactedRevision).toBe(5);
    expect(store.range(bytes('a'), undefined, { revision: 5 }).kvs.map((kv) => text(kv.value))).toEqual([
      '2',
    ]);
    expect(store.index.get(bytes('b'))).toBeUndefined();
    expect([...store.changes.keys()]).toEqual([3, 6]);
    expect(() => store.range(bytes('a'), undefined, { revision: 4 })).toThrow(
      'etcdserver: mvcc: required revision has been compacted',
    );
    expect(() => store.compact(5)).toThrow('etcdserver: mvcc: required revision has been compacted');
    expect(() => store.compact(7)).toThrow('etcdserver: mvcc: required revision is a future revision');
  });

  test('KvStore.compact() at a tombstone revision removes the key but keeps later generations', () => {
    const store = new KvStore();
    put(store, 'k', '1'); // 2
    del(store, 'k'); // 3
    put(store, 'k', '2'); // 4
    store.compact(3);
    const [kv] = store.range(bytes('k'), undefined, { revision: 4 }).kvs;
    expect([kv?.createRevision, kv?.version]).toEqual([4, 1]);
    expect(store.range(bytes('k'), undefined, { revision: 3 }).count).toBe(0);
    expect(store.changes.has(2)).toBe(false);
  });

  test('OrderedMap-backed store handles 100k keys with ordered scans', () => {
    const store = new KvStore();
    const txn = store.beginWrite();
    for (let index = 0; index < 100_000; index++)
      txn.put(bytes(`key-${(index * 7919) % 100_000}`), bytes('v'), 0);
    txn.commit();
    const page = store.range(bytes('key-5'), bytes('key-6'), { limit: 3 });
    expect(keys(page.kvs)).toEqual(['key-5', 'key-50', 'key-500']);
    expect(page.count).toBe(11_111);
    expect(keyRange(bytes('a')).type).toBe('single');
  });
});

function put(store: KvStore, key: string, value: string): void {
  const txn = store.beginWrite();
  txn.put(bytes(key), bytes(value), 0);
  txn.commit();
}

function del(store: KvStore, key: string): void {
  const txn = store.beginWrite();
  txn.deleteRange(bytes(key), undefined);
  txn.commit();
}

function keys(kvs: readonly KeyValue[]): string[] {
  return kvs.map((kv) => text(kv.key));
}

function describeKv(kv: KeyValue): string {
  return `${text(kv.key)}=${text(kv.value)}@${kv.createRevision}/${kv.modRevision}/v${kv.version}`;
}
