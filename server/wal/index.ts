// The write-ahead log's public surface: RaftPersistence over WAL + snapshot files
// (what a node uses), the WAL itself, its errors, and the dump used by `etcd-ts wal dump`.

export type { SnapshotMarker, WalMetadata, WalRecord } from './record.js';
export {
  RECORD_BYTES_MAX_DEFAULT,
  type SaveOptions,
  SEGMENT_BYTES_DEFAULT,
  Wal,
  type WalOptions,
} from './wal.js';
export { dumpWal, resolveWalDir } from './wal-dump.js';
export { type WalCorruption, WalCorruptionError, type WalLogger, WalReplayError } from './wal-errors.js';
export { RecoveryError, WalPersistence, type WalPersistenceOptions } from './wal-persistence.js';
export { readWal, type TornTail, type WalContents } from './wal-reader.js';
export { type ReplayStart, replayWal } from './wal-replay.js';
