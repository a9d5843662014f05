// The kill nemesis: crashes the leader, one member or a minority (volatile state lost,
// the disk keeps only synced bytes and may tear its last write), and restarts them when
// the fault stops.

import type { NodeId } from '../server/raft/types.js';
import { type Nemesis, pickTargets } from './nemesis.js';

export function killNemesis(): Nemesis {
  let killed: NodeId[] = [];
  return {
    name: 'kill',
    start(target, random) {
      const { mode, nodes } = pickTargets(target, random);
      killed = nodes.filter((id) => target.stateOf(id) !== 'down');
      for (const id of killed) target.crash(id, { tearLastWrite: true });
      return { f: 'start-kill', value: { mode, nodes: killed } };
    },
    stop(target) {
      const restarted = killed.filter((id) => target.stateOf(id) === 'down');
      for (const id of restarted) target.restart(id);
      killed = [];
      return { f: 'stop-kill', value: { nodes: restarted } };
    },
  };
}
