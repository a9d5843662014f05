// The clock nemesis (Jepsen's bump and strobe): on the leader, one member or a minority,
// either jumps the clocks forward or back by up to `bumpMsMax` until the fault stops
// (stopping jumps them back by the same amount, Jepsen's clock reset), or strobes them:
// a jump and back every few milliseconds to a few hundred, for up to `strobeMsMax`,
// which the strobe undoes by itself. A target that cannot move clocks throws
// UnsupportedFault, which the schedule records instead of a fault.

import type { NodeId } from '../server/raft/types.js';
import { type ClockStrobe, type Nemesis, pickTargets } from './nemesis.js';

/** Largest bump either way: several election timeouts and lease TTL seconds. */
export const bumpMsMax = 5_000;
/** Longest strobe: shorter than the shortest fault interval a schedule uses. */
export const strobeMsMax = 1_000;
const strobePeriodMsMin = 10;
const strobePeriodMsMax = 200;

export function clockNemesis(): Nemesis {
  let offsets: { id: NodeId; deltaMs: number }[] = [];
  return {
    name: 'clock',
    async start(target, random) {
      const { mode, nodes } = await pickTargets(target, random);
      offsets = [];
      if (random.intBelow(2) === 0) {
        const strobe: ClockStrobe = {
          deltaMs: random.intBetween(-bumpMsMax, bumpMsMax),
          periodMs: random.intBetween(strobePeriodMsMin, strobePeriodMsMax),
          durationMs: random.intBetween(strobePeriodMsMax, strobeMsMax),
        };
        const strobed: NodeId[] = [];
        for (const id of nodes) {
          await target.clockStrobe(id, strobe);
          strobed.push(id);
        }
        return { f: 'start-clock', value: { mode, strobe, nodes: strobed } };
      }
      const drawn = nodes.map((id) => ({ id, deltaMs: random.intBetween(-bumpMsMax, bumpMsMax) }));
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
