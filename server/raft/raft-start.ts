// How a Raft node starts: a brand-new cluster writes its membership as bootstrap
// entries; a restart rebuilds membership, term, vote and commit from Storage.

import { assert } from '../assert.js';
import { decodeConfChange, encodeConfChange } from './conf-change.js';
import type { Raft } from './raft.js';
import { type ConfChange, type ConfState, type Entry, type HardState, NONE, type NodeId } from './types.js';

/**
 * A brand-new cluster: like etcd, the initial membership is written as committed
 * conf change entries 1..n of term 1, so it reaches stable storage through the first
 * Ready and a restart finds it there without `peers`.
 */
export function bootstrap(r: Raft, peers: readonly NodeId[], learners: readonly NodeId[]): void {
  r.becomeFollower(1, NONE);
  const changes: ConfChange[] = [
    ...peers.map((nodeId): ConfChange => ({ type: 'addVoter', nodeId })),
    ...learners.map((nodeId): ConfChange => ({ type: 'addLearner', nodeId })),
  ];
  const entries = changes.map(
    (change, position): Entry => ({
      term: 1,
      index: position + 1,
      type: 'confChange',
      data: encodeConfChange(change),
    }),
  );
  r.log.append(entries);
  r.log.commitTo(entries.length);
  for (const change of changes) r.tracker.apply(change, r.log.lastIndex() + 1);
}

/**
 * A restart: membership is the snapshot's plus every conf change entry the
 * application already applied (it will not hand those back through applyConfChange).
 */
export function restart(r: Raft, hardState: HardState, confState: ConfState): void {
  const lastIndex = r.log.lastIndex();
  assert(
    hardState.commit <= lastIndex,
    () => `hard state commit ${hardState.commit} is past the last index ${lastIndex}: log lost or corrupt`,
  );
  // A snapshot's index is committed even if the saved hard state lags behind it.
  r.log.committed = Math.max(hardState.commit, r.log.committed);
  if (r.config.applied > r.log.applied) r.log.appliedTo(r.config.applied);
  r.tracker.reset(confState, lastIndex + 1);
  const replayHi = r.log.applied + 1;
  const firstIndex = r.log.firstIndex();
  if (replayHi > firstIndex) {
    for (const entry of r.log.slice(firstIndex, replayHi, Number.MAX_SAFE_INTEGER) ?? []) {
      if (entry.type === 'confChange') r.tracker.apply(decodeConfChange(entry.data), lastIndex + 1);
    }
  }
  r.term = hardState.term;
  r.vote = hardState.vote;
  r.becomeFollower(hardState.term, NONE);
}
