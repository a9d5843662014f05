// MemoryStorage: etcd's Storage semantics with named errors.

import { describe, expect, test } from 'vitest';
import { CompactedError, MemoryStorage, SnapshotOutOfDateError, UnavailableError } from './storage.js';
import { entriesWithTerms } from './testing/network.js';

describe('MemoryStorage', () => {
  test('append() replaces a conflicting suffix', () => {
    const storage = new MemoryStorage();
    storage.append(entriesWithTerms(1, [1, 1, 1, 1]));
    storage.append(entriesWithTerms(3, [2]));
    expect(storage.lastIndex()).toBe(3);
    expect(storage.term(3)).toBe(2);
  });

  test('entries() trims to maxSizeBytes but returns at least one entry', () => {
    const storage = new MemoryStorage();
    storage.append(entriesWithTerms(1, [1, 1, 1]));
    expect(storage.entries(1, 4, 1)).toHaveLength(1);
    expect(storage.entries(1, 4, 1000)).toHaveLength(3);
  });

  test('compact() keeps the term of the compacted index and throws CompactedError below it', () => {
    const storage = new MemoryStorage();
    storage.append(entriesWithTerms(1, [1, 2, 3, 3]));
    storage.createSnapshot(2, { voters: [1], learners: [] }, new Uint8Array([7]));
    storage.compact(2);
    expect(storage.firstIndex()).toBe(3);
    expect(storage.term(2)).toBe(2);
    expect(() => storage.term(1)).toThrow(CompactedError);
    expect(() => storage.entries(2, 4, 100)).toThrow(CompactedError);
    expect(() => storage.term(9)).toThrow(UnavailableError);
    expect(storage.snapshot().metadata).toEqual({
      index: 2,
      term: 2,
      confState: { voters: [1], learners: [] },
    });
  });

  test('applySnapshot() replaces the log and refuses an older snapshot', () => {
    const storage = new MemoryStorage();
    storage.append(entriesWithTerms(1, [1, 1]));
    const snapshot = {
      metadata: { index: 10, term: 4, confState: { voters: [1], learners: [] } },
      data: new Uint8Array(),
    };
    storage.applySnapshot(snapshot);
    expect(storage.firstIndex()).toBe(11);
    expect(storage.lastIndex()).toBe(10);
    expect(storage.initialState().confState).toEqual({ voters: [1], learners: [] });
    expect(() =>
      storage.applySnapshot({ ...snapshot, metadata: { ...snapshot.metadata, index: 5 } }),
    ).toThrow(SnapshotOutOfDateError);
  });
});
