// KeyIndex tests: generations across deletes, reads at past revisions, and compaction
// keeping exactly what a read at or after the compact revision can see (etcd's rules).

import { describe, expect, test } from 'vitest';
import { KeyIndex } from './key-index.js';

const rev = (main: number, sub = 0) => ({ main, sub });

function history(): KeyIndex {
  // Generation 1: put 2, put 4, tombstone 6. Generation 2: put 8, put 10 (live).
  const index = new KeyIndex();
  index.put(rev(2));
  index.put(rev(4));
  index.tombstone(rev(6));
  index.put(rev(8));
  index.put(rev(10));
  return index;
}

describe('KeyIndex', () => {
  test('KeyIndex.get() finds the value visible at a revision, none inside a gap', () => {
    const index = history();
    expect(index.get(1)).toBeUndefined();
    expect(index.get(3)?.modified).toEqual(rev(2));
    expect(index.get(5)?.modified).toEqual(rev(4));
    expect(index.get(6)).toBeUndefined();
    expect(index.get(7)).toBeUndefined();
    expect(index.get(9)?.modified).toEqual(rev(8));
    expect(index.get(99)?.modified).toEqual(rev(10));
  });

  test('KeyIndex.put() counts versions per generation and keeps the creation revision', () => {
    const index = new KeyIndex();
    expect(index.put(rev(2))).toEqual({ created: rev(2), version: 1 });
    expect(index.put(rev(3))).toEqual({ created: rev(2), version: 2 });
    index.tombstone(rev(4));
    expect(index.put(rev(5))).toEqual({ created: rev(5), version: 1 });
  });

  test('KeyIndex.compact() keeps the newest revision at or below the compact revision', () => {
    const index = history();
    expect(index.compact(5)).toEqual([rev(4)]);
    expect(index.get(5)?.modified).toEqual(rev(4));
    expect(index.revisionsSince(0)).toEqual([rev(4), rev(6), rev(8), rev(10)]);
  });

  test('KeyIndex.compact() at or after a tombstone drops the whole generation', () => {
    const atTombstone = history();
    expect(atTombstone.compact(6)).toEqual([]);
    expect(atTombstone.revisionsSince(0)).toEqual([rev(8), rev(10)]);
    const later = history();
    expect(later.compact(9)).toEqual([rev(8)]);
    expect(later.revisionsSince(0)).toEqual([rev(8), rev(10)]);
  });

  test('KeyIndex.isEmpty() is true once compaction passes a final tombstone', () => {
    const index = new KeyIndex();
    index.put(rev(2));
    index.tombstone(rev(3));
    expect(index.isEmpty()).toBe(false);
    index.compact(3);
    expect(index.isEmpty()).toBe(true);
  });

  test('KeyIndex tells sub revisions of one main revision apart', () => {
    const index = new KeyIndex();
    index.put(rev(2, 0));
    index.tombstone(rev(2, 1));
    index.put(rev(2, 2));
    expect(index.get(2)?.modified).toEqual(rev(2, 2));
    expect(index.put(rev(3)).version).toBe(2);
    expect(() => index.put(rev(3))).toThrow('not after');
  });
});
