// The partition nemesis: cuts the network into random halves, isolates the leader,
// cuts one direction of one member's links (one-way-partition.ts), or (on 5 members)
// builds a majority ring where every member sees its two neighbours, so each has a
// majority but no two agree on which. Stop heals every link.

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { type FaultRecord, type Nemesis, type NemesisTarget, pickMembers } from './nemesis.js';
import { startOneWayPartition } from './one-way-partition.js';

async function halves(target: NemesisTarget, random: Random): Promise<FaultRecord> {
  const ids = target.memberIds;
  const small = pickMembers(ids, Math.floor(ids.length / 2), random);
  const large = ids.filter((id) => !small.includes(id));
  await target.partition([small, large]);
  return { f: 'start-partition', value: { mode: 'halves', groups: [small, large] } };
}

async function isolateLeader(target: NemesisTarget, leader: NodeId): Promise<FaultRecord> {
  const rest = target.memberIds.filter((id) => id !== leader);
  await target.partition([[leader], rest]);
  return { f: 'start-partition', value: { mode: 'isolate-leader', groups: [[leader], rest] } };
}

async function majorityRing(target: NemesisTarget, random: Random): Promise<FaultRecord> {
  // A random ring order; each member keeps links to its two ring neighbours only.
  const ring = [...target.memberIds];
  for (let i = ring.length - 1; i > 0; i--) {
    const j = random.intBelow(i + 1);
    [ring[i], ring[j]] = [ring[j]!, ring[i]!];
  }
  const size = ring.length;
  const cut: [NodeId, NodeId][] = [];
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) {
      const distance = Math.min(j - i, size - (j - i));
      if (distance <= 1) continue;
      await target.blockLink(ring[i]!, ring[j]!);
      await target.blockLink(ring[j]!, ring[i]!);
      cut.push([ring[i]!, ring[j]!]);
    }
  }
  return { f: 'start-partition', value: { mode: 'majority-ring', ring, cut } };
}

export function partitionNemesis(): Nemesis {
  return {
    name: 'partition',
    resource: 'network',
    async start(target, random) {
      const choice = random.intBelow(4);
      if (choice === 3) return startOneWayPartition(target, random);
      const leader = await target.leader();
      if (choice === 1 && leader !== undefined) return isolateLeader(target, leader);
      if (choice === 2 && target.memberIds.length >= 5) return majorityRing(target, random);
      return halves(target, random);
    },
    async stop(target) {
      await target.heal();
      return { f: 'stop-partition', value: 'healed' };
    },
  };
}
