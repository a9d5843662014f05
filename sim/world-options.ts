// The simulated world's configuration: every field with its default, and the one
// validation pass that rejects a world that cannot work (no nodes, duplicate ids, an
// election timeout not above the heartbeat, a zero or negative bound) with a ConfigError
// naming the field and its value, before anything runs.

import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { PlantedBugs } from '../server/raft/config.js';
import type { NodeId } from '../server/raft/types.js';
import type { PersistenceFactory } from './memory-persistence.js';
import { defaultLinkSettings, type LinkSettings, validateLinkSettings } from './network.js';
import type { HostPlantedBugs } from './node-host.js';
import type { RaftNodeFactory } from './raft-node.js';

export interface WorldOptions {
  /** The one seed every random choice of the run derives from. */
  seed: number | bigint;
  /** Node ids; default [1..nodeCount]. */
  nodeIds?: readonly NodeId[];
  /** Cluster size when nodeIds is not given. Default 3. */
  nodeCount?: number;
  /** Virtual milliseconds between Raft ticks on a node's clock. Default 10. */
  tickMs?: number;
  /** Default 10; must be above heartbeatTicks. */
  electionTicks?: number;
  /** Default 1. */
  heartbeatTicks?: number;
  /** Raft's bound on entry bytes per append message. Default 1 MiB; tiny values send one entry per message. */
  maxSizePerMsgBytes?: number;
  /** Raft's bound on append messages in flight per follower. Default 256. */
  maxInflightMsgs?: number;
  /** Raft's PreVote (§9.6). Default true; off makes split votes and term races likelier. */
  preVote?: boolean;
  /** Raft's CheckQuorum and leader lease. Default true. */
  checkQuorum?: boolean;
  /** Settings of every link at the start. Default: 1-5 ms delay, 1% tail up to 50 ms, no loss. */
  network?: Partial<LinkSettings>;
  /** Events waiting in the queue at once. Default 1,000,000. */
  eventsMax?: number;
  /** Events the whole run may process before it gives up (a runaway guard). Default 20,000,000. */
  processedEventsMax?: number;
  /** Applied entries between application snapshots. Default 100. */
  snapshotEveryEntries?: number;
  /** Entries kept behind a snapshot. Default 20. */
  compactKeepEntries?: number;
  /** Messages a paused node holds before it drops more. Default 10,000. */
  heldMessagesMax?: number;
  /** Write latency under the sendBeforePersist planted bug. Default 20. */
  persistDelayMs?: number;
  /** Trace lines kept readable in memory (all are hashed). Default 200. */
  traceLinesKeptMax?: number;
  raftPlantedBugs?: PlantedBugs;
  hostPlantedBugs?: HostPlantedBugs;
  /** Durable store per node. Default: MemoryPersistenceFactory. */
  persistence?: PersistenceFactory;
  /** Builds the Raft node. Default: etcd-ts RawNode. */
  createRaftNode?: RaftNodeFactory;
  /** Called with every trace line (the demo prints faults from it). */
  onTrace?: (line: string) => void;
}

export interface ResolvedWorldOptions {
  readonly seed: bigint;
  readonly nodeIds: readonly NodeId[];
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly network: LinkSettings;
  readonly maxSizePerMsgBytes: number;
  readonly maxInflightMsgs: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly eventsMax: number;
  readonly processedEventsMax: number;
  readonly snapshotEveryEntries: number;
  readonly compactKeepEntries: number;
  readonly heldMessagesMax: number;
  readonly persistDelayMs: number;
  readonly traceLinesKeptMax: number;
  readonly raftPlantedBugs: PlantedBugs;
  readonly hostPlantedBugs: HostPlantedBugs;
}

const nodeCountMax = 64;

export function resolveWorldOptions(options: WorldOptions): ResolvedWorldOptions {
  const seed = options.seed;
  if (
    typeof seed === 'number' ? !Number.isSafeInteger(seed) || seed < 0 : typeof seed !== 'bigint' || seed < 0n
  ) {
    throw new ConfigError('seed', seed, 'it must be a non-negative integer');
  }
  const nodeIds = options.nodeIds ?? range(options.nodeCount ?? 3);
  if (options.nodeIds === undefined) requirePositiveInteger('nodeCount', options.nodeCount ?? 3);
  if (nodeIds.length === 0) throw new ConfigError('nodeIds', nodeIds, 'a world needs at least one node');
  if (nodeIds.length > nodeCountMax)
    throw new ConfigError('nodeIds', nodeIds.length, `at most ${nodeCountMax} nodes`);
  const seen = new Set<NodeId>();
  for (const id of nodeIds) {
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new ConfigError('nodeIds', nodeIds, `node id ${id} is not a positive integer`);
    if (seen.has(id)) throw new ConfigError('nodeIds', nodeIds, `node id ${id} appears twice`);
    seen.add(id);
  }
  const electionTicks = options.electionTicks ?? 10;
  const heartbeatTicks = options.heartbeatTicks ?? 1;
  requirePositiveInteger('electionTicks', electionTicks);
  requirePositiveInteger('heartbeatTicks', heartbeatTicks);
  if (electionTicks <= heartbeatTicks) {
    throw new ConfigError(
      'electionTicks',
      electionTicks,
      `it must be greater than 'heartbeatTicks' (current value ${heartbeatTicks})`,
    );
  }
  const network: LinkSettings = { ...defaultLinkSettings, ...options.network };
  validateLinkSettings(network, 'network');
  const resolved: ResolvedWorldOptions = {
    seed: BigInt(seed),
    nodeIds,
    tickMs: options.tickMs ?? 10,
    electionTicks,
    heartbeatTicks,
    network,
    maxSizePerMsgBytes: options.maxSizePerMsgBytes ?? 1024 * 1024,
    maxInflightMsgs: options.maxInflightMsgs ?? 256,
    preVote: options.preVote ?? true,
    checkQuorum: options.checkQuorum ?? true,
    eventsMax: options.eventsMax ?? 1_000_000,
    processedEventsMax: options.processedEventsMax ?? 20_000_000,
    snapshotEveryEntries: options.snapshotEveryEntries ?? 100,
    compactKeepEntries: options.compactKeepEntries ?? 20,
    heldMessagesMax: options.heldMessagesMax ?? 10_000,
    persistDelayMs: options.persistDelayMs ?? 20,
    traceLinesKeptMax: options.traceLinesKeptMax ?? 200,
    raftPlantedBugs: options.raftPlantedBugs ?? {},
    hostPlantedBugs: options.hostPlantedBugs ?? {},
  };
  for (const field of [
    'tickMs',
    'maxSizePerMsgBytes',
    'maxInflightMsgs',
    'eventsMax',
    'processedEventsMax',
    'snapshotEveryEntries',
    'heldMessagesMax',
    'persistDelayMs',
  ] as const) {
    requirePositiveInteger(field, resolved[field]);
  }
  if (!Number.isSafeInteger(resolved.compactKeepEntries) || resolved.compactKeepEntries < 0) {
    throw new ConfigError(
      'compactKeepEntries',
      resolved.compactKeepEntries,
      'it must be a non-negative integer',
    );
  }
  if (!Number.isSafeInteger(resolved.traceLinesKeptMax) || resolved.traceLinesKeptMax < 0) {
    throw new ConfigError(
      'traceLinesKeptMax',
      resolved.traceLinesKeptMax,
      'it must be a non-negative integer',
    );
  }
  return resolved;
}

function range(count: number): NodeId[] {
  return Array.from({ length: Math.max(0, Math.min(count, nodeCountMax + 1)) }, (_, index) => index + 1);
}
