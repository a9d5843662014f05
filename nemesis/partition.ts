// The partition nemesis: cuts the network into random halves, isolates the leader, or
// (on 5 members) builds a majority ring where every member sees its two neighbours, so
// each has a majority but no two agree on which. Stop heals every link.

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { type FaultRecord, type Nemesis, type NemesisTarget, pickMembers } from './nemesis.js';

function halves(target: NemesisTarget, random: Random): FaultRecord {
  const ids = target.memberIds;
  const small = pickMembers(ids, Math.floor(ids.length / 2), random);
  const large = ids.filter((id) => !small.includes(id));
  target.partition([small, large]);
  return { f: 'start-partition', value: { mode: 'halves', groups: [small, large] } };
}

function isolateLeader(target: NemesisTarget, leader: NodeId): FaultRecord {
  const rest = target.memberIds.filter((id) => id !== leader);
  target.partition([[leader], rest]);
  return { f: 'start-partition', value: { mode: 'isolate-leader', groups: [[leader], rest] } };
}

function majorityRing(target: NemesisTarget, random: Random): FaultRecord {
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
      target.blockLink(ring[i]!, ring[j]!);
      target.blockLink(ring[j]!, ring[i]!);
      cut.push([ring[i]!, ring[j]!]);
    }
  }
  return { f: 'start-partition', value: { mode: 'majority-ring', ring, cut } };
}

export function partitionNemesis(): Nemesis {
  return {
    name: 'partition',
    start(target, random) {
      const choice = random.intBelow(3);
      const leader = target.leader();
      if (choice === 1 && leader !== undefined) return isolateLeader(target, leader);
      if (choice === 2 && target.memberIds.length >= 5) return majorityRing(target, random);
      return halves(target, random);
    },
    stop(target) {
      target.heal();
      return { f: 'stop-partition', value: 'healed' };
    },
  };
}
