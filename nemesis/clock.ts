// The clock nemesis (Jepsen's bump): jumps the clocks of the leader, one member or a
// minority forward or back by up to `bumpMsMax`; stopping the fault jumps them back by
// the same amount (Jepsen's clock reset). A target that cannot move clocks throws
// UnsupportedFault, which the schedule records instead of a fault.

import type { NodeId } from '../server/raft/types.js';
import { type Nemesis, pickTargets } from './nemesis.js';

/** Largest bump either way: several election timeouts and lease TTL seconds. */
export const bumpMsMax = 5_000;

export function clockNemesis(): Nemesis {
  let offsets: { id: NodeId; deltaMs: number }[] = [];
  return {
    name: 'clock',
    async start(target, random) {
      const { mode, nodes } = await pickTargets(target, random);
      const drawn = nodes.map((id) => ({ id, deltaMs: random.intBetween(-bumpMsMax, bumpMsMax) }));
      offsets = [];
      for (const offset of drawn) {
        await target.clockOffset(offset.id, offset.deltaMs);
        // Only what was applied is undone, should a later member refuse.
        offsets.push(offset);
      }
      return { f: 'start-clock', value: { mode, offsetsMs: offsets } };
    },
    async stop(target) {
      for (const { id, deltaMs } of offsets) await target.clockOffset(id, -deltaMs);
      const reset = offsets.map(({ id }) => id);
      offsets = [];
      return { f: 'stop-clock', value: { reset } };
    },
  };
}
