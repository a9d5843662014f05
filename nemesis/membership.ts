// The membership nemesis (Jepsen's member add/remove): removes a member with
// MemberRemove through the API, and when the fault stops adds the slot back as a fresh
// member (its data deleted, MemberAdd, started with initial-cluster-state existing).
// One member is out at a time, so the cluster never drops below a majority of its
// original size. Adding back needs a quorum, so the final heal does it last.

import type { NodeId } from '../server/raft/types.js';
import { membersIn, type Nemesis, pickMembers } from './nemesis.js';

export function membershipNemesis(): Nemesis {
  let removed: NodeId | undefined;
  return {
    name: 'membership',
    stopNeedsQuorum: true,
    async start(target, random) {
      const leader = await target.leader();
      const up = await membersIn(target, { among: target.memberIds, states: ['up'] });
      // The leader a third of the time (etcd must hand over leadership), else anyone up.
      const useLeader = random.intBelow(3) === 0 && leader !== undefined;
      const node = useLeader ? leader : pickMembers(up, 1, random)[0];
      if (node === undefined)
        return { f: 'start-membership', value: { remove: null, reason: 'no member is up' } };
      // Set first: a removal that went through before a later step failed (stopping the
      // removed member) must still be added back by stop, which checks the slot's state.
      removed = node;
      await target.removeMember(node);
      return { f: 'start-membership', value: { remove: node, leader: node === leader } };
    },
    async stop(target) {
      const node = removed;
      if (node === undefined || (await target.stateOf(node)) !== 'removed') {
        removed = undefined;
        return { f: 'stop-membership', value: { add: null } };
      }
      // A refused add leaves the slot removed and this fault in force for a later try.
      await target.addMember(node);
      removed = undefined;
      return { f: 'stop-membership', value: { add: node } };
    },
  };
}
