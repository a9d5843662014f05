// The public surface of server/raft: the RawNode API, its configuration, the Storage
// seam with MemoryStorage, the conf change codec and the shared types.

export { ConfChangeDecodeError, decodeConfChange, encodeConfChange } from './conf-change.js';
export type { PlantedBugs, RaftConfig, ResolvedRaftConfig } from './config.js';
export { raftConfigDefaults, validateRaftConfig } from './config.js';
export type { ProgressState } from './progress.js';
export type { ProgressStatus, ProposeResult, RaftStatus } from './raw-node.js';
export { RawNode } from './raw-node.js';
export type { Storage } from './storage.js';
export {
  CompactedError,
  emptyConfState,
  emptyHardState,
  emptySnapshot,
  MemoryStorage,
  SnapshotOutOfDateError,
  SnapshotTemporarilyUnavailableError,
  UnavailableError,
} from './storage.js';
export * from './types.js';
