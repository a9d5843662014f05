// How a leader ships its log (Raft paper §5.3, §7): the next batch of entries for one
// follower within flow control, a snapshot when the entries are compacted away, and
// heartbeats that carry the commit index and ReadIndex contexts.

import type { Raft } from './raft.js';
import { SnapshotTemporarilyUnavailableError } from './storage.js';
import type { Message, NodeId } from './types.js';

export function sendAppend(r: Raft, to: NodeId): boolean {
  return maybeSendAppend(r, to, true);
}

/** Sends the next batch of entries to `to` unless flow control pauses it. */
export function maybeSendAppend(r: Raft, to: NodeId, sendIfEmpty: boolean): boolean {
  const progress = r.tracker.progress.get(to);
  if (progress === undefined || progress.isPaused()) return false;
  if (progress.next > r.log.lastIndex() + 1) progress.next = r.log.lastIndex() + 1;
  const prevIndex = progress.next - 1;
  const prevTerm = r.log.maybeTerm(prevIndex);
  const entries =
    prevTerm === undefined ? undefined : r.log.entriesFrom(progress.next, r.config.maxSizePerMsgBytes);
  if (prevTerm === undefined || entries === undefined) return maybeSendSnapshot(r, to);
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: 'app', to, index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  progress.sentEntries(prevIndex + entries.length, entries.length);
  return true;
}

/** §7: the entries a follower needs are compacted, so it gets the snapshot instead. */
function maybeSendSnapshot(r: Raft, to: NodeId): boolean {
  const progress = r.tracker.progress.get(to);
  if (progress === undefined || !progress.recentActive) return false;
  let snapshot: Message['snapshot'];
  try {
    snapshot = r.log.snapshot();
  } catch (error) {
    if (error instanceof SnapshotTemporarilyUnavailableError) return false;
    throw error;
  }
  if (snapshot === undefined || snapshot.metadata.index === 0) return false;
  progress.becomeSnapshot(snapshot.metadata.index);
  r.send({ type: 'snap', to, snapshot });
  return true;
}

export function sendHeartbeat(r: Raft, to: NodeId, context: Uint8Array | undefined): void {
  const progress = r.tracker.progress.get(to);
  // A follower may not have the leader's whole committed prefix yet.
  const commit = Math.min(progress?.match ?? 0, r.log.committed);
  r.send({ type: 'heartbeat', to, commit, ...(context === undefined ? {} : { context }) });
}

export function bcastAppend(r: Raft): void {
  for (const id of r.tracker.memberIds()) if (id !== r.id) sendAppend(r, id);
}

/** Sends the proposals accepted since the last Ready, batched per follower. */
export function flushPendingAppends(r: Raft): void {
  if (!r.appendPending) return;
  r.appendPending = false;
  if (r.state === 'leader') bcastAppend(r);
}

export function bcastHeartbeat(r: Raft): void {
  const context = r.readOnly.lastPendingContext();
  for (const id of r.tracker.memberIds()) if (id !== r.id) sendHeartbeat(r, id, context);
}
