// One-way partitions: a member that can send but not receive (every link into it cut),
// or receive but not send (every link out of it cut). A deaf leader keeps sending
// heartbeats it never hears answered; a mute one hears votes it cannot win. Used as a
// mode of the partition nemesis and on its own as `partition-one-way`.

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { type FaultRecord, type Nemesis, type NemesisTarget, pickMembers } from './nemesis.js';

export type OneWayDirection = 'deaf' | 'mute';

/** Cuts one direction of every link of the leader (or a random member). */
export async function startOneWayPartition(target: NemesisTarget, random: Random): Promise<FaultRecord> {
  const leader = await target.leader();
  const useLeader = random.intBelow(2) === 0 && leader !== undefined;
  const node = useLeader ? leader : pickMembers(target.memberIds, 1, random)[0]!;
  const direction: OneWayDirection = random.intBelow(2) === 0 ? 'deaf' : 'mute';
  const cut: [NodeId, NodeId][] = [];
  for (const peer of target.memberIds) {
    if (peer === node) continue;
    const link: [NodeId, NodeId] = direction === 'deaf' ? [peer, node] : [node, peer];
    await target.blockLink(link[0], link[1]);
    cut.push(link);
  }
  return {
    f: 'start-partition',
    value: { mode: `one-way-${direction}`, node, leader: useLeader, cut },
  };
}

export function oneWayPartitionNemesis(): Nemesis {
  return {
    name: 'partition-one-way',
    resource: 'network',
    async start(target, random) {
      const record = await startOneWayPartition(target, random);
      return { f: 'start-partition-one-way', value: record.value };
    },
    async stop(target) {
      await target.heal();
      return { f: 'stop-partition-one-way', value: 'healed' };
    },
  };
}
