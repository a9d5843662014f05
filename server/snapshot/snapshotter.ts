// Snapshot files in a directory, etcd style: `%016x-%016x.snap` (term, index). A save
// writes a temporary file, fsyncs it, renames it into place and fsyncs the directory,
// so a crash leaves either the old set of snapshots or the new one. Only the newest
// `snapshotFilesMax` are kept: the newest, and older ones to fall back to if it is
// found corrupt.

import { requirePositiveInteger } from '../config-error.js';
import type { Disk } from '../ports/disk.js';
import type { Snapshot } from '../raft/types.js';
import { hex16 } from '../wal/segment-name.js';
import type { WalLogger } from '../wal/wal-errors.js';
import { joinPath } from '../wal/wal-reader.js';
import { decodeSnapshotFile, encodeSnapshotFile } from './snapshot-file.js';

export const SNAPSHOT_FILES_MAX_DEFAULT = 2;

const SNAPSHOT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

export interface SnapshotFileName {
  readonly name: string;
  readonly path: string;
  readonly term: number;
  readonly index: number;
}

export type LoadedSnapshot =
  | { readonly type: 'ok'; readonly file: SnapshotFileName; readonly snapshot: Snapshot }
  | { readonly type: 'corrupt'; readonly file: SnapshotFileName; readonly reason: string };

export interface SnapshotterOptions {
  readonly dir: string;
  readonly logger: WalLogger;
  /** How many snapshot files to keep (the newest first). Default 2. */
  readonly snapshotFilesMax?: number;
}

export class Snapshotter {
  private readonly snapshotFilesMax: number;

  constructor(
    private readonly disk: Disk,
    private readonly options: SnapshotterOptions,
  ) {
    this.snapshotFilesMax = options.snapshotFilesMax ?? SNAPSHOT_FILES_MAX_DEFAULT;
    requirePositiveInteger('snapshotFilesMax', this.snapshotFilesMax);
    disk.mkdirp(options.dir);
  }

  /** Snapshot files, newest (highest index, then term) first. */
  files(): SnapshotFileName[] {
    const files: SnapshotFileName[] = [];
    for (const name of this.disk.list(this.options.dir)) {
      const match = SNAPSHOT_NAME.exec(name);
      if (match === null) continue;
      const term = Number.parseInt(match[1]!, 16);
      const index = Number.parseInt(match[2]!, 16);
      files.push({ name, path: joinPath(this.options.dir, name), term, index });
    }
    return files.sort((a, b) => b.index - a.index || b.term - a.term);
  }

  /** Reads and verifies one snapshot file. */
  load(file: SnapshotFileName): LoadedSnapshot {
    const decoded = decodeSnapshotFile(this.disk.read(file.path));
    if (decoded.type === 'corrupt') return { type: 'corrupt', file, reason: decoded.reason };
    const metadata = decoded.snapshot.metadata;
    if (metadata.index !== file.index || metadata.term !== file.term) {
      const reason = `holds snapshot ${metadata.index} (term ${metadata.term}), not what its name says`;
      return { type: 'corrupt', file, reason };
    }
    return { type: 'ok', file, snapshot: decoded.snapshot };
  }

  /**
   * Durably writes a snapshot file. Pruning is separate (prune()): the caller prunes
   * only once the WAL's marker for this snapshot is durable, so a crash in between still
   * finds the previous snapshot to fall back to.
   */
  save(snapshot: Snapshot): SnapshotFileName {
    const { index, term } = snapshot.metadata;
    const name = `${hex16(term)}-${hex16(index)}.snap`;
    const path = joinPath(this.options.dir, name);
    const temporaryPath = `${path}.tmp`;
    if (this.disk.exists(temporaryPath)) this.disk.remove(temporaryPath);
    const handle = this.disk.openAppend(temporaryPath, { create: true });
    handle.append(encodeSnapshotFile(snapshot));
    handle.sync();
    handle.close();
    this.disk.rename(temporaryPath, path);
    this.disk.syncDir(this.options.dir);
    return { name, path, term, index };
  }

  /** Removes a snapshot file nothing refers to (its WAL marker never became durable). */
  remove(file: SnapshotFileName): void {
    this.disk.remove(file.path);
    this.disk.syncDir(this.options.dir);
    this.options.logger.info(`snapshot ${file.path}: removed, its WAL marker never became durable`);
  }

  /** Removes the oldest files beyond snapshotFilesMax and leftover temporary files. */
  prune(): void {
    const stale = this.files().slice(this.snapshotFilesMax);
    for (const file of stale) this.disk.remove(file.path);
    for (const name of this.disk.list(this.options.dir)) {
      if (name.endsWith('.snap.tmp')) this.disk.remove(joinPath(this.options.dir, name));
    }
    if (stale.length > 0) this.disk.syncDir(this.options.dir);
  }
}
