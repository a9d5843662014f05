// Round-trip property of the store snapshot: store -> bytes -> store answers every read at
// every revision the same way, and encodes to the same bytes again.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { CodecError, newWriter, writeBytes, writeMessage, writeUint } from '../codec/index.js';
import { KvStore } from './kv-store.js';
import { decodeStore, encodeStore } from './store-snapshot.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 60);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const everything = { key: new Uint8Array([0]), end: new Uint8Array([0]) };

const stepArbitrary = fc.oneof(
  fc.record({
    type: fc.constant('put' as const),
    key: fc.constantFrom('a', 'b', 'c'),
    value: fc.string(),
    lease: fc.nat(3),
  }),
  fc.record({ type: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ type: fc.constant('compact' as const), back: fc.nat(4) }),
);

describe('store snapshot', () => {
  test.prop([fc.array(stepArbitrary, { maxLength: 30 })], { seed, numRuns })(
    'decodeStore(encodeStore()) gives identical ranges and revisions',
    (steps) => {
      const store = new KvStore();
      for (const step of steps) {
        if (step.type === 'compact') {
          const target = store.currentRevision - step.back;
          if (target > store.compactedRevision) store.compact(target);
          continue;
        }
        const txn = store.beginWrite();
        if (step.type === 'put') txn.put(bytes(step.key), bytes(step.value), step.lease);
        else txn.deleteRange(bytes(step.key), undefined);
        txn.commit();
      }
      const encoded = encodeStore(store);
      const restored = decodeStore(encoded);
      expect(restored.currentRevision).toBe(store.currentRevision);
      expect(restored.compactedRevision).toBe(store.compactedRevision);
      for (
        let revision = Math.max(1, store.compactedRevision);
        revision <= store.currentRevision;
        revision++
      ) {
        expect(restored.range(everything.key, everything.end, { revision })).toEqual(
          store.range(everything.key, everything.end, { revision }),
        );
      }
      expect(encodeStore(restored)).toEqual(encoded);
      // Writes after a restore continue the same history.
      const after = [store, restored].map((each) => {
        const txn = each.beginWrite();
        txn.put(bytes('a'), bytes('next'), 0);
        txn.commit();
        return each.range(bytes('a'), undefined).kvs;
      });
      expect(after[1]).toEqual(after[0]);
    },
  );

  test.prop(
    [fc.array(fc.tuple(fc.nat(4), fc.nat(2), fc.boolean(), fc.constantFrom('a', 'b')), { maxLength: 8 })],
    {
      seed,
      numRuns,
    },
  )(
    'decodeStore() of arbitrary change lists returns a store or throws CodecError, nothing else',
    (changes) => {
      const writer = newWriter();
      writeUint(writer, 1, 1);
      writeUint(writer, 2, 5);
      for (const [main, sub, isPut, key] of changes) {
        writeMessage(writer, 4, (inner) => {
          writeUint(inner, 1, main);
          writeUint(inner, 2, sub);
          writeUint(inner, 3, isPut ? 0 : 1);
          writeMessage(inner, 4, (kv) => writeBytes(kv, 1, bytes(key)));
        });
      }
      try {
        decodeStore(writer.finish());
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    },
  );

  test('decodeStore() rejects bytes that are not a store snapshot', () => {
    expect(() => decodeStore(new Uint8Array([0x08, 0x07]))).toThrow(CodecError);
    expect(() => decodeStore(new Uint8Array([0x22, 0x05, 0x08]))).toThrow(CodecError);
  });
});
