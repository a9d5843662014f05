// How a leader handles each message (Raft paper §5.3, §6.4, §7, thesis §3.10, §4.2.3):
// proposals, append acknowledgments and rejections (flow control and conflict repair),
// heartbeat answers (ReadIndex confirmation), CheckQuorum, snapshots and transfers.

import { decodeConfChange } from './conf-change.js';
import { dropped, pendingReadIndexMessagesMax, type Raft, type StepResult, stepOk } from './raft.js';
import { bcastAppend, bcastHeartbeat, maybeSendAppend, sendAppend } from './replicate.js';
import type { Message } from './types.js';
import { NONE } from './types.js';

export function stepLeader(r: Raft, m: Message): StepResult {
  switch (m.type) {
    case 'beat':
      bcastHeartbeat(r);
      return stepOk;
    case 'checkQuorum':
      if (!r.tracker.quorumActive(r.id)) r.becomeFollower(r.term, NONE);
      return stepOk;
    case 'prop':
      return handleProposal(r, m);
    case 'readIndex':
      handleReadIndex(r, m);
      return stepOk;
    default:
      break;
  }
  const progress = r.tracker.progress.get(m.from);
  if (progress === undefined) return stepOk;
  switch (m.type) {
    case 'appResp':
      handleAppendResponse(r, m);
      break;
    case 'heartbeatResp':
      handleHeartbeatResponse(r, m);
      break;
    case 'snapStatus':
      if (progress.state !== 'snapshot') break;
      if (m.reject) progress.pendingSnapshot = 0;
      progress.becomeProbe();
      // Wait for the next heartbeat answer before probing again.
      progress.probeSent = true;
      break;
    case 'unreachable':
      if (progress.state === 'replicate') progress.becomeProbe();
      break;
    case 'transferLeader':
      handleTransferLeader(r, m);
      break;
    default:
      break;
  }
  return stepOk;
}

function handleProposal(r: Raft, m: Message): StepResult {
  if (m.entries.length === 0) return dropped('a proposal needs at least one entry');
  if (!r.tracker.progress.has(r.id)) return dropped('this leader was removed from the cluster');
  if (r.leadTransferee !== NONE) return dropped(`leadership is being transferred to ${r.leadTransferee}`);
  for (const [position, entry] of m.entries.entries()) {
    if (entry.type !== 'confChange') continue;
    const refusal = confChangeRefusal(r, entry.data);
    if (refusal !== undefined) return dropped(refusal);
    r.pendingConfIndex = r.log.lastIndex() + position + 1;
  }
  if (!r.appendEntry(m.entries)) return dropped('too many uncommitted bytes (maxUncommittedEntriesBytes)');
  // Batching: every proposal until the next Ready shares one append message per follower.
  r.appendPending = true;
  return stepOk;
}

/** Why a membership change may not be proposed now, or undefined if it may. */
function confChangeRefusal(r: Raft, data: Uint8Array): string | undefined {
  if (r.pendingConfIndex > r.log.applied) {
    return `a membership change at index ${r.pendingConfIndex} is not applied yet (applied ${r.log.applied})`;
  }
  let change: ReturnType<typeof decodeConfChange>;
  try {
    change = decodeConfChange(data);
  } catch (error) {
    return `undecodable membership change: ${(error as Error).message}`;
  }
  const isVoter = r.tracker.isVoter(change.nodeId);
  const isLearner = r.tracker.learners.includes(change.nodeId);
  switch (change.type) {
    case 'addVoter':
      return isVoter ? `node ${change.nodeId} is already a voter` : undefined;
    case 'addLearner':
      return isLearner ? `node ${change.nodeId} is already a learner` : undefined;
    case 'removeNode':
      if (!isVoter && !isLearner) return `node ${change.nodeId} is not a member`;
      if (isVoter && r.tracker.voters.length === 1) return `node ${change.nodeId} is the last voter`;
      return undefined;
  }
}

function handleReadIndex(r: Raft, m: Message): void {
  if (r.tracker.voters.length === 1 && r.tracker.isVoter(r.id)) {
    r.respondToReadIndex(m, r.log.committed);
    return;
  }
  // Thesis §6.4: the commit index is only known to be current once this term committed an entry.
  if (!r.committedEntryInCurrentTerm()) {
    if (r.pendingReadIndexMessages.length < pendingReadIndexMessagesMax) r.pendingReadIndexMessages.push(m);
    return;
  }
  sendReadIndex(r, m);
}

function sendReadIndex(r: Raft, m: Message): void {
  if (r.config.plantedBugs.readIndexWithoutQuorum) {
    r.respondToReadIndex(m, r.log.committed);
    return;
  }
  if (!r.readOnly.add(r.log.committed, m)) return;
  r.readOnly.recordAck(r.id, m.context);
  bcastHeartbeat(r);
}

export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0 || !r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of pending) sendReadIndex(r, m);
}

function handleAppendResponse(r: Raft, m: Message): void {
  const progress = r.tracker.progress.get(m.from);
  if (progress === undefined) return;
  progress.recentActive = true;
  if (m.reject) {
    // §5.3 with the conflict hint: skip every entry of a term the follower lacks.
    let nextProbeIndex = m.rejectHint;
    if (m.logTerm > 0) nextProbeIndex = r.log.findConflictByTerm(m.rejectHint, m.logTerm).index;
    if (progress.maybeDecreaseTo(m.index, nextProbeIndex)) {
      if (progress.state === 'replicate') progress.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }
  const wasPaused = progress.isPaused();
  if (progress.maybeUpdate(m.index)) {
    if (progress.state === 'probe') {
      progress.becomeReplicate();
    } else if (progress.state === 'snapshot' && progress.match + 1 >= r.log.firstIndex()) {
      progress.becomeProbe();
      progress.becomeReplicate();
    } else if (progress.state === 'replicate') {
      progress.inflights.freeLE(m.index);
    }
    if (r.maybeCommit()) {
      releasePendingReadIndexMessages(r);
      bcastAppend(r);
    } else if (wasPaused) {
      sendAppend(r, m.from);
    }
    // Fill the pipeline as far as the inflight window allows.
    let sentMax = r.config.maxInflightMsgs;
    while (sentMax-- > 0 && maybeSendAppend(r, m.from, false)) {}
    if (m.from === r.leadTransferee && progress.match === r.log.lastIndex()) {
      r.send({ type: 'timeoutNow', to: m.from });
    }
  }
}

function handleHeartbeatResponse(r: Raft, m: Message): void {
  const progress = r.tracker.progress.get(m.from);
  if (progress === undefined) return;
  progress.recentActive = true;
  progress.probeSent = false;
  // A window full of lost messages would otherwise stall this follower forever.
  if (progress.state === 'replicate' && progress.inflights.full()) progress.inflights.freeFirstOne();
  if (progress.match < r.log.lastIndex()) sendAppend(r, m.from);
  if (m.context === undefined || m.context.byteLength === 0) return;
  const acks = r.readOnly.recordAck(m.from, m.context);
  if (acks === undefined) return;
  const granted = new Map<number, boolean>();
  for (const id of acks) granted.set(id, true);
  if (majorityOf(r, granted) !== 'won') return;
  for (const { request, index } of r.readOnly.advance(m.context)) r.respondToReadIndex(request, index);
}

function majorityOf(r: Raft, granted: ReadonlyMap<number, boolean>): 'won' | 'lost' | 'pending' {
  let count = 0;
  for (const id of r.tracker.voters) if (granted.get(id) === true) count++;
  return count >= Math.floor(r.tracker.voters.length / 2) + 1 ? 'won' : 'pending';
}

function handleTransferLeader(r: Raft, m: Message): void {
  const transferee = m.from;
  const progress = r.tracker.progress.get(transferee);
  if (progress === undefined || progress.isLearner) return;
  if (r.leadTransferee !== NONE) {
    if (r.leadTransferee === transferee) return;
    r.abortLeaderTransfer();
  }
  if (transferee === r.id) return;
  // The transfer must finish within an election timeout or it is abandoned.
  r.electionElapsed = 0;
  r.leadTransferee = transferee;
  if (progress.match === r.log.lastIndex()) r.send({ type: 'timeoutNow', to: transferee });
  else sendAppend(r, transferee);
}
