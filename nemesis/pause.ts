// The pause nemesis (SIGSTOP / SIGCONT): freezes the leader, one member or a minority;
// their timers and deliveries wait until the fault stops.

import type { NodeId } from '../server/raft/types.js';
import { membersIn, type Nemesis, pickTargets } from './nemesis.js';

export function pauseNemesis(): Nemesis {
  let paused: NodeId[] = [];
  return {
    name: 'pause',
    async start(target, random) {
      const { mode, nodes } = await pickTargets(target, random);
      paused = await membersIn(target, { among: nodes, states: ['up'] });
      for (const id of paused) await target.pause(id);
      return { f: 'start-pause', value: { mode, nodes: paused } };
    },
    async stop(target) {
      const resumed = await membersIn(target, { among: paused, states: ['paused'] });
      for (const id of resumed) await target.resume(id);
      paused = [];
      return { f: 'stop-pause', value: { nodes: resumed } };
    },
  };
}
