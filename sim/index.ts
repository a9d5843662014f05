// The public surface of sim/: the deterministic world, its parts and the schedule runner.
// The fast-check arbitrary and the property search are test-only (they import
// fast-check, a dev dependency) and are imported from their files directly.

export { EventQueue, type EventQueueOptions, type ScheduledEvent } from './event-queue.js';
export { InvariantMonitor, type InvariantName, invariantNames, type Violation } from './invariants.js';
export { LogMirror } from './log-mirror.js';
export {
  MemoryPersistence,
  MemoryPersistenceFactory,
  type PersistenceFactory,
} from './memory-persistence.js';
export {
  defaultLinkSettings,
  type LinkSettings,
  type NetworkOptions,
  type NetworkStats,
  SimNetwork,
  validateLinkSettings,
} from './network.js';
export {
  type HostObserver,
  type HostPlantedBugs,
  type HostStatus,
  NodeHost,
  type NodeHostOptions,
  type ProposeOutcome,
} from './node-host.js';
export type { RaftNode, RaftNodeFactory } from './raft-node.js';
export { createRawNode } from './raw-node-adapter.js';
export { applyAction, type RunScheduleOptions, runSchedule, type ScheduleResult } from './run-schedule.js';
export {
  describeAction,
  generateSchedule,
  type Schedule,
  type ScheduleAction,
  type ScheduleShape,
  type ScheduleStep,
} from './schedule.js';
export { decodeProposal, encodeProposal, entryFingerprint, HashStateMachine } from './state-machine.js';
export { Trace } from './trace.js';
export { VirtualClock } from './virtual-clock.js';
export { type RunOutcome, World } from './world.js';
export { type ResolvedWorldOptions, resolveWorldOptions, type WorldOptions } from './world-options.js';
