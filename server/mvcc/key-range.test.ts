// Key-range helper tests: byte order, etcd's prefix end, and range membership.

import { describe, expect, test } from 'vitest';
import { compareBytes, keyRange, prefixEnd, rangeContains } from './key-range.js';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

describe('key ranges', () => {
  test('compareBytes() orders unsigned bytes and shorter prefixes first', () => {
    expect(compareBytes(bytes(1), bytes(0xff))).toBe(-1);
    expect(compareBytes(bytes(1, 2), bytes(1))).toBe(1);
    expect(compareBytes(bytes(), bytes())).toBe(0);
  });

  test('prefixEnd() increments the last byte below 0xff and drops the 0xff tail', () => {
    expect(prefixEnd(bytes(0x61, 0x62))).toEqual(bytes(0x61, 0x63));
    expect(prefixEnd(bytes(0x61, 0xff, 0xff))).toEqual(bytes(0x62));
    expect(prefixEnd(bytes(0xff))).toEqual(bytes(0));
  });

  test('rangeContains() follows single key, from-key and interval ranges', () => {
    expect(rangeContains(keyRange(bytes(5)), bytes(5))).toBe(true);
    expect(rangeContains(keyRange(bytes(5), bytes()), bytes(6))).toBe(false);
    expect(rangeContains(keyRange(bytes(5), bytes(0)), bytes(0xff, 1))).toBe(true);
    expect(rangeContains(keyRange(bytes(5), bytes(0)), bytes(4))).toBe(false);
    expect(rangeContains(keyRange(bytes(5), bytes(7)), bytes(6, 9))).toBe(true);
    expect(rangeContains(keyRange(bytes(5), bytes(7)), bytes(7))).toBe(false);
  });
});
