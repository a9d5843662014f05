// The disk nemesis: fsync faults on the leader, one member or a minority — every fsync
// slow, rare long fsync spikes, or a failed fsync that stops the member as etcd stops on
// one (it panics rather than acknowledge writes that may not be durable). Stopping the
// fault clears it and restarts the members a failed fsync stopped. A target whose
// members cannot take disk faults (real etcd) throws UnsupportedFault.

import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { type DiskFault, membersIn, type Nemesis, pickTargets } from './nemesis.js';

/** Slow fsyncs: etcd warns from 100 ms; up to 300 ms keeps the cluster limping along. */
export const slowFsyncMsMax = 300;
/** Spikes past the election timeout (1 s) make a slow leader lose its followers. */
export const fsyncSpikeMsMax = 2_000;
export const fsyncSpikesPerMille = 50;

function drawFault(random: Random): DiskFault {
  switch (random.intBelow(3)) {
    case 0:
      return { type: 'slow-fsync', latencyMs: random.intBetween(10, slowFsyncMsMax) };
    case 1:
      return { type: 'fsync-spikes', latencyMsMax: fsyncSpikeMsMax, perMille: fsyncSpikesPerMille };
    default:
      return { type: 'fail-fsync' };
  }
}

export function diskNemesis(): Nemesis {
  let faulted: NodeId[] = [];
  let fault: DiskFault | undefined;
  return {
    name: 'disk',
    async start(target, random) {
      const { mode, nodes } = await pickTargets(target, random);
      fault = drawFault(random);
      faulted = [];
      for (const id of await membersIn(target, { among: nodes, states: ['up', 'paused'] })) {
        await target.diskFault(id, fault);
        // Only what took the fault is cleared, should a later member refuse.
        faulted.push(id);
      }
      return { f: 'start-disk', value: { mode, nodes: faulted, fault } };
    },
    async stop(target) {
      const cleared = faulted;
      for (const id of cleared) await target.clearDiskFault(id);
      const restarted =
        fault?.type === 'fail-fsync' ? await membersIn(target, { among: faulted, states: ['down'] }) : [];
      for (const id of restarted) await target.restart(id);
      faulted = [];
      fault = undefined;
      return { f: 'stop-disk', value: { cleared, restarted } };
    },
  };
}
