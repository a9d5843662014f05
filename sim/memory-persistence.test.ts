import { describe, expect, test } from 'vitest';
import type { Entry, Snapshot } from '../server/raft/types.js';
import { MemoryPersistence } from './memory-persistence.js';

function entries(from: number, to: number, term: number): Entry[] {
  return Array.from({ length: to - from + 1 }, (_, i) => ({
    index: from + i,
    term,
    type: 'normal' as const,
    data: new Uint8Array([from + i]),
  }));
}

function snapshotAt(index: number, term: number): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1, 2, 3], learners: [] } },
    data: new Uint8Array([9]),
  };
}

describe('MemoryPersistence', () => {
  test('load() returns what was saved with sync', () => {
    const store = new MemoryPersistence();
    store.save({ hardState: { term: 2, vote: 1, commit: 3 }, entries: entries(1, 5, 2) }, true);
    const state = store.load();
    expect(state.hardState).toEqual({ term: 2, vote: 1, commit: 3 });
    expect(state.entries.map((entry) => entry.index)).toEqual([1, 2, 3, 4, 5]);
  });

  test('save() replaces entries at the same or higher indexes', () => {
    const store = new MemoryPersistence();
    store.save({ entries: entries(1, 5, 1) }, true);
    store.save({ entries: entries(3, 4, 2) }, true);
    expect(store.load().entries.map((entry) => `${entry.index}:${entry.term}`)).toEqual([
      '1:1',
      '2:1',
      '3:2',
      '4:2',
    ]);
  });

  test('crash() loses unsynced writes and keeps synced ones', () => {
    const store = new MemoryPersistence();
    store.save({ hardState: { term: 1, vote: 2, commit: 0 }, entries: entries(1, 2, 1) }, true);
    store.save({ hardState: { term: 3, vote: 3, commit: 1 }, entries: entries(3, 4, 1) }, false);
    store.crash();
    const state = store.load();
    expect(state.hardState).toEqual({ term: 1, vote: 2, commit: 0 });
    expect(state.entries.length).toBe(2);
  });

  test('saveSnapshot() releases the log behind the snapshot', () => {
    const store = new MemoryPersistence();
    store.save({ entries: entries(1, 10, 1) }, true);
    store.saveSnapshot(snapshotAt(6, 1));
    const state = store.load();
    expect(state.snapshot?.metadata.index).toBe(6);
    expect(state.entries.map((entry) => entry.index)).toEqual([7, 8, 9, 10]);
  });

  test('a received snapshot from another history drops the whole log', () => {
    const store = new MemoryPersistence();
    store.save({ entries: entries(1, 10, 1) }, true);
    store.save({ snapshot: snapshotAt(8, 4), entries: [] }, true);
    expect(store.load().entries).toEqual([]);
    store.save({ entries: entries(9, 9, 4) }, true);
    expect(store.load().entries.map((entry) => entry.index)).toEqual([9]);
  });
});
