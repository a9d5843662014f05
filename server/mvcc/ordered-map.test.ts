// OrderedMap against a plain sorted model: random sets and deletes, then lookups and
// ordered scans from random keys must agree.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { OrderedMap } from './ordered-map.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 100);
const key = fc.uint8Array({ maxLength: 3, max: 4 });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('OrderedMap', () => {
  test.prop([fc.array(fc.tuple(fc.boolean(), key, fc.nat()), { maxLength: 200 }), key], { seed, numRuns })(
    'OrderedMap.set()/delete()/entriesFrom() agree with a sorted model',
    (steps, from) => {
      const map = new OrderedMap<number>();
      const model = new Map<string, { bytes: Uint8Array; value: number }>();
      for (const [isSet, bytes, value] of steps) {
        if (isSet) {
          map.set(bytes, value);
          model.set(hex(bytes), { bytes, value });
        } else {
          expect(map.delete(bytes)).toBe(model.delete(hex(bytes)));
        }
        expect(map.size).toBe(model.size);
      }
      for (const [name, entry] of model) expect(map.get(entry.bytes)).toBe(model.get(name)!.value);
      const ordered = [...model.values()]
        .sort((left, right) => Buffer.compare(Buffer.from(left.bytes), Buffer.from(right.bytes)))
        .filter((entry) => Buffer.compare(Buffer.from(entry.bytes), Buffer.from(from)) >= 0)
        .map((entry) => `${hex(entry.bytes)}=${entry.value}`);
      expect([...map.entriesFrom(from)].map(([bytes, value]) => `${hex(bytes)}=${value}`)).toEqual(ordered);
    },
  );

  test('OrderedMap.set() copies the key so later changes to the caller buffer do not move it', () => {
    const map = new OrderedMap<string>();
    const buffer = new Uint8Array([5]);
    map.set(buffer, 'five');
    buffer[0] = 1;
    expect(map.get(new Uint8Array([5]))).toBe('five');
    expect(map.get(new Uint8Array([1]))).toBeUndefined();
  });
});
