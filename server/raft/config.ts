// The Raft node's configuration: what a caller may set, the documented defaults, and
// validation that rejects a setting that cannot work with one ConfigError naming the
// field and its value (issue 3, "Bad input").

import { ConfigError, requirePositiveInteger } from '../config-error.js';
import type { Random } from '../ports/random.js';
import type { Storage } from './storage.js';
import type { NodeId } from './types.js';

/**
 * Test-only switches that plant a known safety bug (issue 3 §5). Every switch defaults
 * to off, which is the correct behaviour; the simulator's property tests must find each
 * bug when its switch is on.
 */
export interface PlantedBugs {
  /** Grant votes without the §5.4.1 "candidate's log is at least as up-to-date" check. */
  voteWithoutLogCheck?: boolean;
  /** Commit entries of older terms by counting replicas (the §5.4.2 / Figure 8 bug). */
  commitOldTermByCounting?: boolean;
  /** Ready.hardState never carries a new vote, so the vote is not persisted (§5.1). */
  forgetVoteInHardState?: boolean;
  /** The leader answers ReadIndex at once, without a heartbeat round from a quorum. */
  readIndexWithoutQuorum?: boolean;
}

export interface RaftConfig {
  id: NodeId;
  /**
   * Voters of a brand-new cluster; ignored when storage already holds a conf state or
   * any log. A new cluster starts like etcd's: the first Ready carries committed
   * 'confChange' entries 1..n (term 1) adding these voters (then the learners), which
   * the caller persists and applies like any other conf change. A restart therefore
   * needs no `peers`: membership is the snapshot's plus the conf changes in the log.
   */
  peers?: readonly NodeId[];
  /** Learners of a brand-new cluster; ignored when storage already holds a conf state. */
  learners?: readonly NodeId[];
  /** Ticks without a leader before a follower campaigns. Default 10; must be > heartbeatTicks. */
  electionTicks?: number;
  /** Ticks between a leader's heartbeats. Default 1. */
  heartbeatTicks?: number;
  storage: Storage;
  random: Random;
  /** The last index the application has applied (on restart). Default 0. */
  applied?: number;
  /** Bytes of entries per append message (at least one entry is always sent). Default 1 MiB. */
  maxSizePerMsgBytes?: number;
  /** Append messages in flight to one follower in replicate state. Default 256. */
  maxInflightMsgs?: number;
  /**
   * Bytes of entry payload a leader holds uncommitted before it drops proposals.
   * Default 64 MiB: enough for any burst the suite makes, small enough that a leader cut
   * off from its quorum cannot grow its log without bound.
   */
  maxUncommittedEntriesBytes?: number;
  /** Bytes of committed entries handed out in one Ready (at least one entry). Default 8 MiB. */
  maxCommittedSizePerReadyBytes?: number;
  /** Run a pre-election before bumping the term (Raft thesis §9.6). Default true. */
  preVote?: boolean;
  /** Leader steps down without a quorum of recent activity; followers honour the lease. Default true. */
  checkQuorum?: boolean;
  plantedBugs?: PlantedBugs;
}

export interface ResolvedRaftConfig {
  readonly id: NodeId;
  readonly peers: readonly NodeId[];
  readonly learners: readonly NodeId[];
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly storage: Storage;
  readonly random: Random;
  readonly applied: number;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly maxUncommittedEntriesBytes: number;
  readonly maxCommittedSizePerReadyBytes: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly plantedBugs: Readonly<Required<PlantedBugs>>;
}

export const raftConfigDefaults = {
  electionTicks: 10,
  heartbeatTicks: 1,
  applied: 0,
  maxSizePerMsgBytes: 1024 * 1024,
  maxInflightMsgs: 256,
  maxUncommittedEntriesBytes: 64 * 1024 * 1024,
  maxCommittedSizePerReadyBytes: 8 * 1024 * 1024,
  preVote: true,
  checkQuorum: true,
} as const;

/** Fills in the defaults and rejects a configuration that cannot work. */
export function validateRaftConfig(config: RaftConfig): ResolvedRaftConfig {
  requirePositiveInteger('id', config.id);
  const peers = config.peers ?? [];
  const learners = config.learners ?? [];
  requireNodeIds('peers', peers);
  requireNodeIds('learners', learners);
  const overlap = learners.find((id) => peers.includes(id));
  if (overlap !== undefined) {
    throw new ConfigError(
      'learners',
      learners,
      `node ${overlap} is also in 'peers'; a node is a voter or a learner`,
    );
  }
  const resolved = {
    id: config.id,
    peers,
    learners,
    electionTicks: config.electionTicks ?? raftConfigDefaults.electionTicks,
    heartbeatTicks: config.heartbeatTicks ?? raftConfigDefaults.heartbeatTicks,
    storage: config.storage,
    random: config.random,
    applied: config.applied ?? raftConfigDefaults.applied,
    maxSizePerMsgBytes: config.maxSizePerMsgBytes ?? raftConfigDefaults.maxSizePerMsgBytes,
    maxInflightMsgs: config.maxInflightMsgs ?? raftConfigDefaults.maxInflightMsgs,
    maxUncommittedEntriesBytes:
      config.maxUncommittedEntriesBytes ?? raftConfigDefaults.maxUncommittedEntriesBytes,
    maxCommittedSizePerReadyBytes:
      config.maxCommittedSizePerReadyBytes ?? raftConfigDefaults.maxCommittedSizePerReadyBytes,
    preVote: config.preVote ?? raftConfigDefaults.preVote,
    checkQuorum: config.checkQuorum ?? raftConfigDefaults.checkQuorum,
    plantedBugs: {
      voteWithoutLogCheck: config.plantedBugs?.voteWithoutLogCheck ?? false,
      commitOldTermByCounting: config.plantedBugs?.commitOldTermByCounting ?? false,
      forgetVoteInHardState: config.plantedBugs?.forgetVoteInHardState ?? false,
      readIndexWithoutQuorum: config.plantedBugs?.readIndexWithoutQuorum ?? false,
    },
  };
  requirePositiveInteger('heartbeatTicks', resolved.heartbeatTicks);
  requirePositiveInteger('electionTicks', resolved.electionTicks);
  if (resolved.electionTicks <= resolved.heartbeatTicks) {
    throw new ConfigError(
      'electionTicks',
      resolved.electionTicks,
      `it must be greater than 'heartbeatTicks' (${resolved.heartbeatTicks})`,
    );
  }
  if (!Number.isSafeInteger(resolved.applied) || resolved.applied < 0) {
    throw new ConfigError('applied', resolved.applied, 'it must be a non-negative integer');
  }
  requirePositiveInteger('maxSizePerMsgBytes', resolved.maxSizePerMsgBytes);
  requirePositiveInteger('maxInflightMsgs', resolved.maxInflightMsgs);
  requirePositiveInteger('maxUncommittedEntriesBytes', resolved.maxUncommittedEntriesBytes);
  requirePositiveInteger('maxCommittedSizePerReadyBytes', resolved.maxCommittedSizePerReadyBytes);
  if (config.storage === undefined || config.storage === null) {
    throw new ConfigError('storage', config.storage, 'a Storage is required');
  }
  if (config.random === undefined || config.random === null) {
    throw new ConfigError('random', config.random, 'a Random is required');
  }
  return resolved;
}

function requireNodeIds(field: string, ids: readonly NodeId[]): void {
  const seen = new Set<NodeId>();
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new ConfigError(field, ids, `node id ${id} is not a positive integer`);
    }
    if (seen.has(id)) throw new ConfigError(field, ids, `node id ${id} appears twice`);
    seen.add(id);
  }
}
