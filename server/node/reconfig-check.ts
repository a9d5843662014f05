// etcd's strict reconfiguration check (on by default, --strict-reconfig-check): before a
// member change is proposed, the member that received it refuses a change that would
// leave the cluster without a working quorum. Two layers, as in etcd:
//   1. "started": members that have published their name (etcd's IsStarted). Removing a
//      voter must leave a quorum of the remaining voters started; adding one must keep a
//      quorum of the grown cluster started, except that a one-member cluster may always
//      grow to two (etcd's case for restoring a cluster from one member's data).
//      Refusal: "not enough started members".
//   2. "connected": peers the deciding member has heard from recently, plus itself
//      (etcd's numConnectedSince over its peer streams). Removing a live voter must leave
//      a quorum of the shrunken cluster connected; adding a member must keep a quorum of
//      the grown cluster connected. Refusal: "unhealthy cluster". This is etcd 3.6's rule
//      for adds (isConnectedToQuorumAfterAddingNewMember); etcd 3.4 wants every voter
//      connected, which refuses more adds under partitions than this does.
// Removing a voter nobody hears from is always allowed by layer 2 (a downed member is
// not part of the active quorum). The functions are pure so the rule is tested alone.

import type { NodeId } from '../raft/types.js';

export interface ReconfigVoter {
  readonly id: NodeId;
  /** Published its name and client URLs (etcd's IsStarted). */
  readonly started: boolean;
}

export interface ReconfigView {
  /** The voting members now (learners never count toward a quorum). */
  readonly voters: readonly ReconfigVoter[];
  /** The member deciding. */
  readonly self: NodeId;
  /**
   * Peers the deciding member has heard from recently; undefined when it cannot judge
   * (a follower hears only from the leader), which skips the connected layer.
   */
  readonly activePeers: ReadonlySet<NodeId> | undefined;
}

export type ReconfigVerdict =
  | { readonly type: 'ok' }
  | { readonly type: 'refused'; readonly error: 'memberNotEnoughStarted' | 'unhealthy' };

const ok: ReconfigVerdict = { type: 'ok' };

function quorumOf(count: number): number {
  return Math.floor(count / 2) + 1;
}

function connectedCount(view: ReconfigView, activePeers: ReadonlySet<NodeId>): number {
  return view.voters.filter((voter) => voter.id === view.self || activePeers.has(voter.id)).length;
}

/** Whether the voter `removedId` may be removed (learners need no check). */
export function checkRemoveVoter(view: ReconfigView, removedId: NodeId): ReconfigVerdict {
  const remaining = view.voters.filter((voter) => voter.id !== removedId);
  const started = remaining.filter((voter) => voter.started).length;
  if (remaining.length < 1 || started < quorumOf(remaining.length)) {
    return { type: 'refused', error: 'memberNotEnoughStarted' };
  }
  const { activePeers } = view;
  if (activePeers === undefined) return ok;
  if (removedId !== view.self && !activePeers.has(removedId)) return ok;
  // The removed member is connected now, so it drops out of the connected count.
  const connectedAfter = connectedCount(view, activePeers) - 1;
  if (connectedAfter < quorumOf(view.voters.length - 1)) return { type: 'refused', error: 'unhealthy' };
  return ok;
}

/** Whether a member may be added (a learner skips the started layer). */
export function checkAdd(view: ReconfigView, options: { isLearner: boolean }): ReconfigVerdict {
  if (!options.isLearner) {
    const started = view.voters.filter((voter) => voter.started).length;
    const restoringFromOne = view.voters.length === 1 && started === 1;
    if (!restoringFromOne && started < quorumOf(view.voters.length + 1)) {
      return { type: 'refused', error: 'memberNotEnoughStarted' };
    }
  }
  const { activePeers } = view;
  if (activePeers === undefined || view.voters.length === 1) return ok;
  // The new member is not connected yet: the connected voters must be a quorum of the
  // grown cluster.
  if (connectedCount(view, activePeers) < quorumOf(view.voters.length + 1)) {
    return { type: 'refused', error: 'unhealthy' };
  }
  return ok;
}
