// The clock nemesis (Jepsen's bump): jumps the clocks of the leader, one member or a
// minority forward or back by up to `bumpMsMax`; stopping the fault jumps them back by
// the same amount (Jepsen's clock reset).

import type { NodeId } from '../server/raft/types.js';
import { type Nemesis, pickTargets } from './nemesis.js';

/** Largest bump either way: several election timeouts and lease TTL seconds. */
export const bumpMsMax = 5_000;

export function clockNemesis(): Nemesis {
  let offsets: { id: NodeId; deltaMs: number }[] = [];
  return {
    name: 'clock',
    start(target, random) {
      const { mode, nodes } = pickTargets(target, random);
      offsets = nodes.map((id) => ({ id, deltaMs: random.intBetween(-bumpMsMax, bumpMsMax) }));
      for (const { id, deltaMs } of offsets) target.clockOffset(id, deltaMs);
      return { f: 'start-clock', value: { mode, offsetsMs: offsets } };
    },
    stop(target) {
      for (const { id, deltaMs } of offsets) target.clockOffset(id, -deltaMs);
      const reset = offsets.map(({ id }) => id);
      offsets = [];
      return { f: 'stop-clock', value: { reset } };
    },
  };
}
