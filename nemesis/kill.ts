// The kill nemesis: crashes the leader, one member or a minority (volatile state lost,
// the disk keeps only synced bytes and may tear its last write), and restarts them when
// the fault stops.

import type { NodeId } from '../server/raft/types.js';
import { membersIn, type Nemesis, pickTargets } from './nemesis.js';

export function killNemesis(): Nemesis {
  let killed: NodeId[] = [];
  return {
    name: 'kill',
    async start(target, random) {
      const { mode, nodes } = await pickTargets(target, random);
      killed = await membersIn(target, { among: nodes, states: ['up', 'paused'] });
      for (const id of killed) await target.crash(id, { tearLastWrite: true });
      return { f: 'start-kill', value: { mode, nodes: killed } };
    },
    async stop(target) {
      const restarted = await membersIn(target, { among: killed, states: ['down'] });
      for (const id of restarted) await target.restart(id);
      killed = [];
      return { f: 'stop-kill', value: { nodes: restarted } };
    },
  };
}
