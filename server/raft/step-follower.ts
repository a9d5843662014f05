// How followers and (pre-)candidates handle messages (Raft paper §5.2-§5.3, §7):
// appending the leader's entries with the conflict hint on a mismatch, heartbeats,
// installing snapshots, counting votes, and forwarding what only a leader can serve.

import { assert } from '../assert.js';
import { dropped, type Raft, type StepResult, stepOk } from './raft.js';
import { bcastAppend } from './replicate.js';
import { type Message, NONE } from './types.js';

export function stepCandidate(r: Raft, m: Message): StepResult {
  const myResponseType = r.state === 'preCandidate' ? 'preVoteResp' : 'voteResp';
  switch (m.type) {
    case 'prop':
      return dropped('no leader: an election is running');
    case 'app':
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return stepOk;
    case 'heartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return stepOk;
    case 'snap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return stepOk;
    case 'voteResp':
    case 'preVoteResp': {
      if (m.type !== myResponseType) return stepOk;
      const result = r.poll(m.from, !m.reject);
      if (result === 'won') {
        if (r.state === 'preCandidate') {
          r.campaign('election', false);
        } else {
          r.becomeLeader();
          bcastAppend(r);
        }
      } else if (result === 'lost') {
        r.becomeFollower(r.term, NONE);
      }
      return stepOk;
    }
    default:
      return stepOk;
  }
}

export function stepFollower(r: Raft, m: Message): StepResult {
  switch (m.type) {
    case 'prop':
      if (r.lead === NONE) return dropped('no leader known');
      r.send({ ...m, to: r.lead, from: NONE });
      return stepOk;
    case 'app':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return stepOk;
    case 'heartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return stepOk;
    case 'snap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return stepOk;
    case 'transferLeader':
      if (r.lead === NONE) return dropped('no leader known');
      r.send({ ...m, to: r.lead });
      return stepOk;
    case 'timeoutNow':
      // The leader asked us to take over (thesis §3.10): campaign at once, without PreVote.
      r.hup(true);
      return stepOk;
    case 'readIndex':
      if (r.lead === NONE) return dropped('no leader known');
      r.send({ ...m, to: r.lead, from: NONE });
      return stepOk;
    case 'readIndexResp':
      r.readStates.push({ index: m.index, requestContext: m.context ?? new Uint8Array(0) });
      return stepOk;
    default:
      return stepOk;
  }
}

function handleAppendEntries(r: Raft, m: Message): void {
  // Only a follower's log is ever truncated; a leader's log only grows (§5.3).
  assert(r.state === 'follower', () => `node ${r.id} handles an append as ${r.state}`);
  if (m.index < r.log.committed) {
    r.send({ type: 'appResp', to: m.from, index: r.log.committed });
    return;
  }
  const lastNewIndex = r.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
  if (lastNewIndex !== undefined) {
    r.send({ type: 'appResp', to: m.from, index: lastNewIndex });
    return;
  }
  // Hint where our logs may agree: the last index at or before m.index whose term is
  // not above the leader's term there, so the leader can skip whole terms.
  const hint = r.log.findConflictByTerm(Math.min(m.index, r.log.lastIndex()), m.logTerm);
  r.send({
    type: 'appResp',
    to: m.from,
    index: m.index,
    reject: true,
    rejectHint: hint.index,
    logTerm: hint.term,
  });
}

function handleHeartbeat(r: Raft, m: Message): void {
  r.log.commitTo(m.commit);
  r.send({ type: 'heartbeatResp', to: m.from, ...(m.context === undefined ? {} : { context: m.context }) });
}

function handleSnapshot(r: Raft, m: Message): void {
  if (m.snapshot === undefined) return;
  if (restoreSnapshot(r, m)) {
    r.send({ type: 'appResp', to: m.from, index: r.log.lastIndex() });
  } else {
    r.send({ type: 'appResp', to: m.from, index: r.log.committed });
  }
}

/** §7: replace our log with the leader's snapshot unless we already have what it covers. */
function restoreSnapshot(r: Raft, m: Message): boolean {
  assert(r.state === 'follower', () => `node ${r.id} restores a snapshot as ${r.state}`);
  const snapshot = m.snapshot;
  if (snapshot === undefined) return false;
  const { index, term, confState } = snapshot.metadata;
  if (index <= r.log.committed) return false;
  const isMember = confState.voters.includes(r.id) || confState.learners.includes(r.id);
  if (!isMember) return false;
  if (r.log.matchTerm(index, term)) {
    // We hold the snapshot's last entry: just fast-forward the commit index.
    r.log.commitTo(index);
    return false;
  }
  r.log.restore(snapshot);
  r.tracker.reset(confState, r.log.lastIndex() + 1);
  r.isLearner = confState.learners.includes(r.id);
  return true;
}
