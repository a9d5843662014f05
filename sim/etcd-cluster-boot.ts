// Starting one member of the simulated etcd-ts cluster: its WAL on its own SimDisk, a
// SimTransport whose sends wait out a slow fsync, and a real EtcdNode on the member's
// gated clock — a brand-new member of the initial cluster, or a slot added back with
// MemberAdd that joins the running cluster (initial-cluster-state existing).

import { withRequestChecks } from '../server/api/checked-service.js';
import type { Member } from '../server/api/cluster-types.js';
import { EtcdNode } from '../server/node/etcd-node.js';
import type { NodeId } from '../server/raft/types.js';
import { WalPersistence } from '../server/wal/wal-persistence.js';
import type { SimEtcdClusterOptions } from './etcd-cluster.js';
import { type Machine, MemberClock } from './etcd-cluster-machine.js';
import type { SimNetwork } from './network.js';
import { SimTransport } from './sim-transport.js';

/** What booting a member needs from its cluster. */
export interface BootContext {
  readonly network: SimNetwork;
  readonly options: SimEtcdClusterOptions;
  readonly clusterId: number;
  /** The members of the brand-new cluster. */
  readonly initialMembers: readonly Member[];
  nowMs(): number;
  schedule(delayMs: number, action: () => void): void;
  record(line: string): void;
  runOnMember(id: NodeId, incarnation: number, action: () => void): void;
  /** A slow fsync blocks the member for `stallMs`. */
  stall(machine: Machine, stallMs: number): void;
  /** A failed fsync stops the member. */
  failStop(machine: Machine): void;
}

/**
 * Starts the member's EtcdNode and marks it up; false (the member stays down) when its
 * disk fails while the WAL opens.
 */
export function bootMember(machine: Machine, context: BootContext): boolean {
  const incarnation = machine.incarnation;
  machine.disk.onStall = (stallMs) => context.stall(machine, stallMs);
  machine.disk.onFail = () => context.failStop(machine);
  // What a member sends while a slow fsync blocks it leaves when the fsync returns.
  const transport = new SimTransport(context.network, (send) => {
    const delayMs = machine.stalledUntilMs - context.nowMs();
    if (delayMs <= 0) send();
    else context.schedule(delayMs, () => machine.incarnation === incarnation && send());
  });
  let persistence: WalPersistence;
  try {
    persistence = WalPersistence.open(machine.disk, {
      dir: '/data',
      logger: { info: () => {}, warn: (line) => context.record(`member ${machine.id} wal: ${line}`) },
      metadata: { nodeId: machine.raftId, clusterId: context.clusterId },
    });
  } catch (error) {
    // A failed fsync while opening the WAL: the member does not start.
    if (!machine.disk.hasFailed) throw error;
    context.record(`member ${machine.id} does not start: fsync failed`);
    machine.state = 'down';
    machine.disk.crash({ tearLastWrite: false, random: machine.random.fork() });
    return false;
  }
  const options = context.options;
  const node = new EtcdNode({
    memberId: machine.raftId,
    clusterId: context.clusterId,
    members: machine.joined?.members ?? context.initialMembers,
    ...(machine.joined === undefined ? {} : { initialClusterState: 'existing' as const }),
    clock: new MemberClock(machine.clock, (action) => context.runOnMember(machine.id, incarnation, action)),
    random: machine.random.fork(),
    transport,
    persistence,
    ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
    ...(options.electionTicks === undefined ? {} : { electionTicks: options.electionTicks }),
    ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    ...(options.leaseCheckIntervalMs === undefined
      ? {}
      : { leaseCheckIntervalMs: options.leaseCheckIntervalMs }),
    ...(options.unsafe === undefined ? {} : { unsafe: options.unsafe }),
  });
  machine.node = node;
  machine.service = withRequestChecks(node);
  machine.transport = transport;
  machine.state = 'up';
  node.start();
  return true;
}
