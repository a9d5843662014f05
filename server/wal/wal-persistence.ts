// RaftPersistence on top of the WAL and the snapshot files, over any Disk: the real
// file system in a server process, the simulated disk in the simulator.
//
// Layout under `dir`: `wal/` (segments) and `snap/` (snapshot files), like etcd's
// member directory. Recovery takes the newest snapshot file that is intact and has its
// marker in the WAL, and replays the WAL from it; a corrupt snapshot is logged and an
// older one (or the beginning of the log) is used instead. Segments are released only
// behind the oldest snapshot file kept, so that fallback always has its WAL.

import { assert } from '../assert.js';
import { ConfigError } from '../config-error.js';
import type { RaftDurableState, RaftPersistence } from '../persistence.js';
import type { Disk } from '../ports/disk.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { Snapshotter } from '../snapshot/snapshotter.js';
import type { SnapshotMarker, WalMetadata } from './record.js';
import { Wal } from './wal.js';
import { type WalLogger, WalReplayError } from './wal-errors.js';
import { joinPath, type WalContents } from './wal-reader.js';
import { replayWal } from './wal-replay.js';

export interface WalPersistenceOptions {
  /** The node's data directory; `wal/` and `snap/` are created under it. */
  readonly dir: string;
  readonly logger: WalLogger;
  /** Written into a new WAL and checked against an existing one. */
  readonly metadata: WalMetadata;
  /** Default 64 MiB. */
  readonly segmentBytes?: number;
  /** Default 64 MiB. */
  readonly recordBytesMax?: number;
  /** Snapshot files kept, newest first. Default 2. */
  readonly snapshotFilesMax?: number;
}

/** No usable snapshot and no complete WAL to replay from the beginning. */
export class RecoveryError extends Error {
  override name = 'RecoveryError';
}

export class WalPersistence implements RaftPersistence {
  private saved = false;

  private constructor(
    private readonly wal: Wal,
    private readonly snapshotter: Snapshotter,
    private readonly recovered: RaftDurableState,
    private readonly snapshotFilesMax: number,
  ) {}

  /** Opens (or creates) the node's storage and recovers its durable state. */
  static open(disk: Disk, options: WalPersistenceOptions): WalPersistence {
    const walDir = joinPath(options.dir, 'wal');
    const snapshotFilesMax = options.snapshotFilesMax ?? 2;
    const snapshotter = new Snapshotter(disk, {
      dir: joinPath(options.dir, 'snap'),
      logger: options.logger,
      snapshotFilesMax,
    });
    const walOptions = {
      dir: walDir,
      logger: options.logger,
      ...(options.segmentBytes === undefined ? {} : { segmentBytes: options.segmentBytes }),
      ...(options.recordBytesMax === undefined ? {} : { recordBytesMax: options.recordBytesMax }),
    };
    disk.mkdirp(walDir);
    if (!Wal.exists(disk, walDir)) {
      if (snapshotter.files().length > 0) {
        throw new RecoveryError(
          `${options.dir} has snapshot files but no WAL in ${walDir}; refusing to start`,
        );
      }
      const wal = Wal.create(disk, { ...walOptions, metadata: options.metadata });
      const empty: RaftDurableState = { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] };
      return new WalPersistence(wal, snapshotter, empty, snapshotFilesMax);
    }
    const { wal, contents } = Wal.open(disk, walOptions);
    try {
      checkMetadata(wal.metadata(), options.metadata);
      const recovered = recover(contents, snapshotter, options.logger);
      return new WalPersistence(wal, snapshotter, recovered, snapshotFilesMax);
    } catch (error) {
      wal.close();
      throw error;
    }
  }

  save(
    ready: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot },
    sync: boolean,
  ): void {
    this.saved = true;
    let marker: SnapshotMarker | undefined;
    if (ready.snapshot !== undefined) {
      this.snapshotter.save(ready.snapshot);
      marker = markerOf(ready.snapshot, true);
    }
    // A snapshot marker must be durable before segments behind it may go.
    this.wal.save(ready.entries, ready.hardState, {
      sync: sync || marker !== undefined,
      ...(marker === undefined ? {} : { marker }),
    });
    if (marker !== undefined) this.afterSnapshotDurable();
  }

  saveSnapshot(snapshot: Snapshot): void {
    this.saved = true;
    this.snapshotter.save(snapshot);
    this.wal.save([], undefined, { sync: true, marker: markerOf(snapshot, false) });
    this.afterSnapshotDurable();
  }

  load(): RaftDurableState {
    assert(
      !this.saved,
      'WalPersistence.load() reads what was recovered at open, so it must come before save()',
    );
    return this.recovered;
  }

  close(): void {
    this.wal.close();
  }

  /** How many WAL segments exist (for tests and diagnostics). */
  segmentCount(): number {
    return this.wal.segmentCount();
  }

  /** Once a snapshot's marker is durable: prune old snapshot files, then release segments. */
  private afterSnapshotDurable(): void {
    this.snapshotter.prune();
    const files = this.snapshotter.files();
    const oldestKept = files[this.snapshotFilesMax - 1];
    if (files.length >= this.snapshotFilesMax && oldestKept !== undefined)
      this.wal.releaseBefore(oldestKept.index);
  }
}

function markerOf(snapshot: Snapshot, logReset: boolean): SnapshotMarker {
  const { index, term, confState } = snapshot.metadata;
  return { index, term, confState, logReset };
}

function checkMetadata(stored: WalMetadata, expected: WalMetadata): void {
  if (stored.nodeId !== expected.nodeId) {
    throw new ConfigError('nodeId', expected.nodeId, `the WAL belongs to node ${stored.nodeId}`);
  }
  if (stored.clusterId !== expected.clusterId) {
    throw new ConfigError('clusterId', expected.clusterId, `the WAL belongs to cluster ${stored.clusterId}`);
  }
}

/** Newest intact snapshot with a WAL that continues it; older ones, then none, as fallbacks. */
function recover(contents: WalContents, snapshotter: Snapshotter, logger: WalLogger): RaftDurableState {
  const attempts: string[] = [];
  for (const file of snapshotter.files()) {
    const loaded = snapshotter.load(file);
    if (loaded.type === 'corrupt') {
      logger.warn(`snapshot ${file.path} is corrupt (${loaded.reason}); trying an older one`);
      attempts.push(`${file.path}: corrupt (${loaded.reason})`);
      continue;
    }
    if (!hasMarker(contents, file)) {
      // Newer than every marker: written, but the crash came before its marker was
      // durable. Nothing refers to it, and keeping it would let it count against
      // snapshotFilesMax. An older file without a marker is left alone for inspection.
      if (file.index > newestMarkerIndex(contents)) snapshotter.remove(file);
      attempts.push(`${file.path}: no marker in the WAL`);
      continue;
    }
    try {
      const replayed = replayWal(contents, { index: file.index, term: file.term });
      return { hardState: replayed.hardState, snapshot: loaded.snapshot, entries: replayed.entries };
    } catch (error) {
      if (!(error instanceof WalReplayError)) throw error;
      logger.warn(`snapshot ${file.path} cannot be used (${error.message}); trying an older one`);
      attempts.push(`${file.path}: ${error.message}`);
    }
  }
  try {
    const replayed = replayWal(contents, { index: 0, term: 0 });
    return { hardState: replayed.hardState, entries: replayed.entries };
  } catch (error) {
    if (!(error instanceof WalReplayError)) throw error;
    attempts.push(`the beginning of the log: ${error.message}`);
  }
  throw new RecoveryError(
    `no snapshot and WAL to recover from; refusing to start. Tried: ${attempts.join('; ')}`,
  );
}

function hasMarker(contents: WalContents, file: { index: number; term: number }): boolean {
  return contents.segments.some(({ records }) =>
    records.some(
      ({ record }) =>
        record.type === 'snapshot' && record.marker.index === file.index && record.marker.term === file.term,
    ),
  );
}

function newestMarkerIndex(contents: WalContents): number {
  let newest = -1;
  for (const { records } of contents.segments) {
    for (const { record } of records)
      if (record.type === 'snapshot') newest = Math.max(newest, record.marker.index);
  }
  return newest;
}
