// The pause nemesis (SIGSTOP / SIGCONT): freezes the leader, one member or a minority;
// their timers and deliveries wait until the fault stops.

import type { NodeId } from '../server/raft/types.js';
import { type Nemesis, pickTargets } from './nemesis.js';

export function pauseNemesis(): Nemesis {
  let paused: NodeId[] = [];
  return {
    name: 'pause',
    start(target, random) {
      const { mode, nodes } = pickTargets(target, random);
      paused = nodes.filter((id) => target.stateOf(id) === 'up');
      for (const id of paused) target.pause(id);
      return { f: 'start-pause', value: { mode, nodes: paused } };
    },
    stop(target) {
      const resumed = paused.filter((id) => target.stateOf(id) === 'paused');
      for (const id of resumed) target.resume(id);
      paused = [];
      return { f: 'stop-pause', value: { nodes: resumed } };
    },
  };
}
