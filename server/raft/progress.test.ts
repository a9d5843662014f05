// Progress and the inflight window: the leader's flow control per follower (etcd's
// probe / replicate / snapshot states) and the quorum arithmetic of §5.2-§5.3.

import { describe, expect, test } from 'vitest';
import { Inflights, Progress } from './progress.js';
import { majorityCommittedIndex, majorityVoteResult } from './quorum.js';

describe('Progress', () => {
  test('isPaused() allows one probe until an answer, then a window of maxInflightMsgs', () => {
    const progress = new Progress({ next: 5, inflightMax: 2, isLearner: false });
    expect(progress.isPaused()).toBe(false);
    progress.sentEntries(6, 2);
    expect(progress.isPaused()).toBe(true);
    expect(progress.maybeUpdate(6)).toBe(true);
    progress.becomeReplicate();
    progress.sentEntries(8, 2);
    progress.sentEntries(9, 1);
    expect(progress.isPaused()).toBe(true);
    progress.inflights.freeLE(8);
    expect(progress.isPaused()).toBe(false);
    expect(progress.next).toBe(10);
  });

  test('maybeDecreaseTo() ignores stale rejections and uses the hint in probe state', () => {
    const progress = new Progress({ next: 20, inflightMax: 4, isLearner: false });
    expect(progress.maybeDecreaseTo(5, 3)).toBe(false);
    expect(progress.maybeDecreaseTo(19, 7)).toBe(true);
    expect(progress.next).toBe(8);
    progress.maybeUpdate(8);
    progress.becomeReplicate();
    expect(progress.maybeDecreaseTo(7, 0)).toBe(false);
    expect(progress.maybeDecreaseTo(12, 0)).toBe(true);
    expect(progress.next).toBe(9);
  });

  test('becomeProbe() after a snapshot resumes after the snapshot index', () => {
    const progress = new Progress({ next: 3, inflightMax: 4, isLearner: false });
    progress.becomeSnapshot(50);
    expect(progress.isPaused()).toBe(true);
    progress.becomeProbe();
    expect(progress.next).toBe(51);
  });

  test('Inflights.freeLE() frees every message acknowledged by an index', () => {
    const inflights = new Inflights(3);
    inflights.add(2);
    inflights.add(4);
    inflights.add(6);
    expect(inflights.full()).toBe(true);
    inflights.freeLE(4);
    expect(inflights.count()).toBe(1);
  });
});

describe('quorum', () => {
  test('majorityCommittedIndex() is the highest index a majority matched', () => {
    const matches = new Map([
      [1, 9],
      [2, 5],
      [3, 7],
      [4, 1],
      [5, 6],
    ]);
    expect(majorityCommittedIndex([1, 2, 3, 4, 5], (id) => matches.get(id) ?? 0)).toBe(6);
    expect(majorityCommittedIndex([1, 2], (id) => matches.get(id) ?? 0)).toBe(5);
  });

  test('majorityVoteResult() is won, lost or pending', () => {
    const voters = [1, 2, 3];
    expect(majorityVoteResult(voters, new Map([[1, true]]))).toBe('pending');
    expect(
      majorityVoteResult(
        voters,
        new Map([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('won');
    expect(
      majorityVoteResult(
        voters,
        new Map([
          [1, true],
          [2, false],
          [3, false],
        ]),
      ),
    ).toBe('lost');
  });
});
