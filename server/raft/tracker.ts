// The membership a node currently follows (voters and learners), the leader's Progress
// for each member, and the votes of the running election. Single-server changes only
// (Raft thesis §4.1): each applied change adds, removes, promotes or demotes one node.

import { assert } from '../assert.js';
import { Progress } from './progress.js';
import { majorityCommittedIndex, majorityVoteResult, type VoteResult } from './quorum.js';
import type { ConfChange, ConfState, NodeId } from './types.js';

export class ProgressTracker {
  voters: NodeId[] = [];
  learners: NodeId[] = [];
  readonly progress = new Map<NodeId, Progress>();
  readonly votes = new Map<NodeId, boolean>();
  private readonly inflightMax: number;

  constructor(inflightMax: number) {
    this.inflightMax = inflightMax;
  }

  confState(): ConfState {
    return { voters: [...this.voters], learners: [...this.learners] };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  /** Every member, voters and learners, in ascending id order. */
  memberIds(): NodeId[] {
    return [...this.progress.keys()].sort((a, b) => a - b);
  }

  /** Replaces the membership with `confState` (restart, snapshot restore). */
  reset(confState: ConfState, nextIndex: number): void {
    this.voters = [];
    this.learners = [];
    this.progress.clear();
    for (const id of confState.voters) this.apply({ type: 'addVoter', nodeId: id }, nextIndex);
    for (const id of confState.learners) this.apply({ type: 'addLearner', nodeId: id }, nextIndex);
  }

  /** Applies one change; applying the same change twice is harmless. */
  apply(change: ConfChange, nextIndex: number): void {
    const id = change.nodeId;
    assert(Number.isSafeInteger(id) && id > 0, () => `conf change names invalid node id ${id}`);
    this.voters = this.voters.filter((voter) => voter !== id);
    this.learners = this.learners.filter((learner) => learner !== id);
    if (change.type === 'removeNode') {
      this.progress.delete(id);
      return;
    }
    const isLearner = change.type === 'addLearner';
    if (isLearner) this.learners = [...this.learners, id].sort((a, b) => a - b);
    else this.voters = [...this.voters, id].sort((a, b) => a - b);
    const existing = this.progress.get(id);
    if (existing !== undefined) {
      existing.isLearner = isLearner;
    } else {
      const progress = new Progress({ next: nextIndex, inflightMax: this.inflightMax, isLearner });
      // A new member counts as active so CheckQuorum does not depose the leader at once.
      progress.recentActive = true;
      this.progress.set(id, progress);
    }
  }

  committed(): number {
    return majorityCommittedIndex(this.voters, (id) => this.progress.get(id)?.match ?? 0);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): VoteResult {
    return majorityVoteResult(this.voters, this.votes);
  }

  /** Whether a quorum of voters was active since the last call; clears the marks (self stays active). */
  quorumActive(self: NodeId): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const [id, progress] of this.progress) {
      if (id === self) {
        votes.set(id, true);
        continue;
      }
      if (!progress.isLearner) votes.set(id, progress.recentActive);
      progress.recentActive = false;
    }
    return majorityVoteResult(this.voters, votes) === 'won';
  }
}
