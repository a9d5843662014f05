import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Xoshiro128 } from './random.js';

describe('Xoshiro128', () => {
  test('nextUint32() gives the same stream for the same seed', () => {
    const a = new Xoshiro128(42);
    const b = new Xoshiro128(42);
    const streamA = Array.from({ length: 100 }, () => a.nextUint32());
    const streamB = Array.from({ length: 100 }, () => b.nextUint32());
    expect(streamA).toEqual(streamB);
    expect(new Set(streamA).size).toBeGreaterThan(95);
  });

  test('nextUint32() differs between neighbouring seeds', () => {
    expect(new Xoshiro128(1).nextUint32()).not.toBe(new Xoshiro128(2).nextUint32());
  });

  test.prop([fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.integer({ min: 1, max: 2 ** 32 })], { seed: 1 })(
    'intBelow(bound) stays in [0, bound)',
    (seed, bound) => {
      const random = new Xoshiro128(seed);
      for (let i = 0; i < 20; i++) {
        const value = random.intBelow(bound);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(bound);
      }
    },
  );

  test('chance(1, 4) is close to a quarter over many draws', () => {
    const random = new Xoshiro128(7);
    let hits = 0;
    for (let i = 0; i < 40_000; i++) if (random.chance(1, 4)) hits++;
    expect(hits / 40_000).toBeGreaterThan(0.24);
    expect(hits / 40_000).toBeLessThan(0.26);
  });
});
