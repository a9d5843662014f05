// Everything an etcd-ts node is built from: its identity and initial membership, the
// ports (Clock, Random, Transport, persistence), and the bounds, each with etcd's
// default where etcd has one. Validated once; a value that cannot work is a ConfigError.

import type { Member } from '../api/cluster-types.js';
import { ConfigError, requirePositiveInteger } from '../config-error.js';
import type { RaftPersistence } from '../persistence.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import type { Transport } from '../ports/transport.js';
import type { PlantedBugs } from '../raft/config.js';

/** Unsafe behaviours for finding out whether the suite catches them. Never on by default. */
export interface UnsafeOptions {
  /** Serve linearizable reads from local state without ReadIndex (stale reads). */
  readonly serveReadsLocally?: boolean;
}

export interface EtcdNodeOptions {
  readonly memberId: number;
  readonly clusterId: number;
  /** The initial members (a brand-new cluster), this node included. */
  readonly members: readonly Member[];
  /**
   * 'new' (default): the members bootstrap a cluster together. 'existing': this member was
   * added to a running cluster (MemberAdd) and learns the membership from the leader.
   */
  readonly initialClusterState?: 'new' | 'existing';
  readonly clock: Clock;
  readonly random: Random;
  readonly transport: Transport;
  readonly persistence: RaftPersistence;
  /** Raft tick. Default 100 ms (etcd's --heartbeat-interval). */
  readonly tickMs?: number;
  /** Default 10 ticks (etcd's --election-timeout 1000 ms). */
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  /** How long a client request may wait for Raft. Default 5000 ms. */
  readonly requestTimeoutMs?: number;
  /** Requests waiting for Raft at once. Default 10000. */
  readonly pendingRequestsMax?: number;
  /** Default 10000 applied entries between snapshots. */
  readonly snapshotEntries?: number;
  readonly snapshotCatchUpEntries?: number;
  /** How often the leader looks for expired leases. Default 500 ms (etcd's revoke tick). */
  readonly leaseCheckIntervalMs?: number;
  readonly log?: (line: string) => void;
  /** Told the member table after every applied change (the transport learns peer addresses). */
  readonly onMembersChanged?: (members: readonly Member[]) => void;
  readonly plantedBugs?: PlantedBugs;
  readonly unsafe?: UnsafeOptions;
}

export type ResolvedNodeOptions = Required<
  Omit<EtcdNodeOptions, 'log' | 'plantedBugs' | 'unsafe' | 'onMembersChanged'>
> &
  Pick<EtcdNodeOptions, 'log' | 'plantedBugs' | 'onMembersChanged'> & { readonly unsafe: UnsafeOptions };

export function resolveNodeOptions(options: EtcdNodeOptions): ResolvedNodeOptions {
  const resolved: ResolvedNodeOptions = {
    tickMs: 100,
    electionTicks: 10,
    heartbeatTicks: 1,
    requestTimeoutMs: 5000,
    pendingRequestsMax: 10_000,
    snapshotEntries: 10_000,
    snapshotCatchUpEntries: 5000,
    leaseCheckIntervalMs: 500,
    initialClusterState: 'new',
    ...options,
    unsafe: options.unsafe ?? {},
  };
  requirePositiveInteger('memberId', resolved.memberId);
  requirePositiveInteger('clusterId', resolved.clusterId);
  for (const field of [
    'tickMs',
    'electionTicks',
    'heartbeatTicks',
    'requestTimeoutMs',
    'pendingRequestsMax',
    'snapshotEntries',
    'snapshotCatchUpEntries',
    'leaseCheckIntervalMs',
  ] as const) {
    requirePositiveInteger(field, resolved[field]);
  }
  if (resolved.members.length === 0)
    throw new ConfigError('members', [], 'a cluster needs at least one member');
  const ids = resolved.members.map((member) => member.id);
  if (new Set(ids).size !== ids.length) throw new ConfigError('members', ids, 'member ids must be distinct');
  if (!ids.includes(resolved.memberId)) {
    throw new ConfigError(
      'memberId',
      resolved.memberId,
      `it must be one of the members ${JSON.stringify(ids)}`,
    );
  }
  return resolved;
}
