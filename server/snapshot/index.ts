// Snapshot files: durable writes (temp file, fsync, rename, directory fsync), newest
// first, verified by CRC on load.
export { decodeSnapshotFile, encodeSnapshotFile } from './snapshot-file.js';
export {
  type LoadedSnapshot,
  SNAPSHOT_FILES_MAX_DEFAULT,
  type SnapshotFileName,
  Snapshotter,
} from './snapshotter.js';
