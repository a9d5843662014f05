// RaftLog: the index arithmetic of §5.3 (append with conflict truncation, the
// conflict-by-term hint) and the stable/unstable split.

import { describe, expect, test } from 'vitest';
import { RaftLog } from './raft-log.js';
import { MemoryStorage } from './storage.js';
import { entriesWithTerms } from './testing/network.js';

function logWith(terms: number[]): RaftLog {
  const storage = new MemoryStorage();
  storage.append(entriesWithTerms(1, terms));
  return new RaftLog(storage, 1024 * 1024);
}

describe('RaftLog', () => {
  test('maybeAppend() refuses entries whose predecessor does not match (§5.3)', () => {
    const log = logWith([1, 1, 2]);
    expect(log.maybeAppend(3, 1, 0, entriesWithTerms(4, [2]))).toBeUndefined();
    expect(log.maybeAppend(5, 2, 0, entriesWithTerms(6, [2]))).toBeUndefined();
  });

  test('maybeAppend() truncates a conflicting suffix and commits up to the new last index', () => {
    const log = logWith([1, 1, 2, 2]);
    expect(log.maybeAppend(2, 1, 10, entriesWithTerms(3, [3]))).toBe(3);
    expect(log.lastIndex()).toBe(3);
    expect(log.maybeTerm(3)).toBe(3);
    expect(log.committed).toBe(3);
  });

  test('maybeAppend() keeps a longer matching log when the message is a stale prefix', () => {
    const log = logWith([1, 1, 2, 2]);
    expect(log.maybeAppend(1, 1, 0, entriesWithTerms(2, [1]))).toBe(2);
    expect(log.lastIndex()).toBe(4);
  });

  test('findConflictByTerm() skips back over every entry of a higher term', () => {
    const log = logWith([1, 2, 2, 4, 4, 4, 5]);
    expect(log.findConflictByTerm(7, 3)).toEqual({ index: 3, term: 2 });
    expect(log.findConflictByTerm(7, 5)).toEqual({ index: 7, term: 5 });
    expect(log.findConflictByTerm(4, 1)).toEqual({ index: 1, term: 1 });
    expect(log.findConflictByTerm(3, 0)).toEqual({ index: 0, term: 0 });
  });

  test('isUpToDate() compares last term first, then length (§5.4.1)', () => {
    const log = logWith([1, 2, 2]);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  test('stableTo() ignores an acknowledgment for an entry replaced since', () => {
    const log = logWith([1]);
    log.append(entriesWithTerms(2, [2, 2]));
    log.append(entriesWithTerms(3, [3]));
    log.stableTo(3, 2);
    expect(log.unstableEntries().map((entry) => entry.term)).toEqual([2, 3]);
    log.stableTo(3, 3);
    expect(log.unstableEntries()).toEqual([]);
  });

  test('maybeCommit() commits only an entry of the given term unless told otherwise (§5.4.2)', () => {
    const log = logWith([1, 2]);
    expect(log.maybeCommit(2, 3, false)).toBe(false);
    expect(log.committed).toBe(0);
    expect(log.maybeCommit(2, 3, true)).toBe(true);
    expect(log.committed).toBe(2);
  });

  test('nextCommittedEntries() hands out committed, unapplied entries within the size bound', () => {
    const storage = new MemoryStorage();
    storage.append(entriesWithTerms(1, [1, 1, 1, 1]));
    const log = new RaftLog(storage, 40);
    log.commitTo(4);
    expect(log.nextCommittedEntries().map((entry) => entry.index)).toEqual([1, 2]);
    log.appliedTo(2);
    expect(log.nextCommittedEntries().map((entry) => entry.index)).toEqual([3, 4]);
  });
});
