// The write-ahead log: a directory of segments the node appends Raft's entries, hard
// state and snapshot markers to, and reads back after a crash.
//
// Group commit: one save() encodes all of its records into one buffer, appends it with
// one write and makes it durable with one fsync. A segment is cut once it reaches
// `segmentBytes`: the old one is fsynced, the new one is written under a temporary name
// (crc record, metadata, latest hard state), fsynced, renamed into place and the
// directory fsynced, so a segment that exists always starts complete. Segments wholly
// behind a snapshot the node may fall back to are released.

import { assert } from '../assert.js';
import { ConfigError, requirePositiveInteger } from '../config-error.js';
import type { Disk, FileHandle } from '../ports/disk.js';
import type { Entry, HardState } from '../raft/types.js';
import { FrameEncoder } from './frame-encoder.js';
import type { SnapshotMarker, WalMetadata } from './record.js';
import { formatSegmentName } from './segment-name.js';
import { WalCorruptionError, type WalLogger } from './wal-errors.js';
import { joinPath, listSegments, readWal, type SegmentFile, type WalContents } from './wal-reader.js';

export const SEGMENT_BYTES_DEFAULT = 64 * 1024 * 1024;
export const RECORD_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

export interface WalOptions {
  readonly dir: string;
  readonly logger: WalLogger;
  /** A new segment is cut once the current one reaches this many bytes. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** The largest record accepted on write or read. Default 64 MiB. */
  readonly recordBytesMax?: number;
}

interface ResolvedOptions {
  readonly dir: string;
  readonly logger: WalLogger;
  readonly segmentBytes: number;
  readonly recordBytesMax: number;
}

const EMPTY_HARD_STATE: HardState = { term: 0, vote: 0, commit: 0 };

export interface SaveOptions {
  readonly sync: boolean;
  /** A snapshot marker written before the entries (a snapshot Raft installed, or took). */
  readonly marker?: SnapshotMarker;
}

export class Wal {
  private failure: Error | undefined;
  private closed = false;

  private constructor(
    private readonly disk: Disk,
    private readonly options: ResolvedOptions,
    private state: {
      file: FileHandle;
      segments: SegmentFile[];
      chainCrc: number;
      lastIndex: number;
      hardState: HardState;
      readonly metadata: WalMetadata;
    },
  ) {}

  /** True when the directory holds at least one segment. */
  static exists(disk: Disk, dir: string): boolean {
    return listSegments(disk, dir).length > 0;
  }

  /** Starts a new, empty WAL in `dir`, which must not hold one. */
  static create(disk: Disk, options: WalOptions & { readonly metadata: WalMetadata }): Wal {
    const resolved = resolveOptions(options);
    disk.mkdirp(resolved.dir);
    assert(!Wal.exists(disk, resolved.dir), () => `a WAL already exists in ${resolved.dir}`);
    const segment = writeNewSegment(disk, resolved.dir, {
      segment: { sequence: 0, firstIndex: 1 },
      previousCrc: 0,
      metadata: options.metadata,
      hardState: EMPTY_HARD_STATE,
    });
    return new Wal(disk, resolved, {
      file: disk.openAppend(segment.file.path, { create: false }),
      segments: [segment.file],
      chainCrc: segment.lastCrc,
      lastIndex: 0,
      hardState: EMPTY_HARD_STATE,
      metadata: options.metadata,
    });
  }

  /** Opens an existing WAL for appending, after verifying it and repairing a torn tail. */
  static open(disk: Disk, options: WalOptions): { wal: Wal; contents: WalContents } {
    const resolved = resolveOptions(options);
    removeTemporaryFiles(disk, resolved);
    const contents = readWal(disk, resolved.dir, {
      recordBytesMax: resolved.recordBytesMax,
      repair: true,
      logger: resolved.logger,
    });
    const last = contents.segments.at(-1);
    assert(last !== undefined, () => `no WAL segments in ${resolved.dir}`);
    let metadata: WalMetadata | undefined;
    let lastIndex = contents.segments[0]!.segment.firstIndex - 1;
    let hardState = EMPTY_HARD_STATE;
    for (const { records } of contents.segments) {
      for (const { record } of records) {
        if (record.type === 'metadata') metadata ??= record.metadata;
        else if (record.type === 'entries') lastIndex = record.entries.at(-1)?.index ?? lastIndex;
        else if (record.type === 'hardState') hardState = record.hardState;
        else if (record.type === 'snapshot' && record.marker.logReset) lastIndex = record.marker.index;
      }
    }
    if (metadata === undefined) {
      throw new WalCorruptionError(last.segment.path, 0, { kind: 'layout', detail: 'no metadata record' });
    }
    const wal = new Wal(disk, resolved, {
      file: disk.openAppend(last.segment.path, { create: false }),
      segments: contents.segments.map((segment) => segment.segment),
      chainCrc: last.lastCrc,
      lastIndex,
      hardState,
      metadata,
    });
    return { wal, contents };
  }

  metadata(): WalMetadata {
    return this.state.metadata;
  }

  lastIndex(): number {
    return this.state.lastIndex;
  }

  segmentCount(): number {
    return this.state.segments.length;
  }

  /** Appends entries (and a marker, and the hard state) with one write and at most one fsync. */
  save(entries: readonly Entry[], hardState: HardState | undefined, options: SaveOptions): void {
    this.checkUsable();
    if (entries.length === 0 && hardState === undefined && options.marker === undefined) return;
    checkContiguous(entries, options.marker?.logReset ? options.marker.index : this.state.lastIndex);
    const encoder = new FrameEncoder(this.state.chainCrc);
    if (options.marker !== undefined) encoder.add({ type: 'snapshot', marker: options.marker });
    for (const chunk of chunkEntries(entries, this.options.recordBytesMax))
      encoder.add({ type: 'entries', entries: chunk });
    if (hardState !== undefined) encoder.add({ type: 'hardState', hardState });
    const bytes = encoder.take();
    this.guard(() => {
      this.state.file.append(bytes);
      if (options.sync) this.state.file.sync();
    });
    this.state.chainCrc = encoder.lastCrc();
    if (options.marker?.logReset) this.state.lastIndex = options.marker.index;
    const lastEntry = entries.at(-1);
    if (lastEntry !== undefined) this.state.lastIndex = lastEntry.index;
    if (hardState !== undefined) this.state.hardState = hardState;
    if (this.state.file.size() >= this.options.segmentBytes) this.guard(() => this.cut());
  }

  /** Makes everything appended so far durable. */
  sync(): void {
    this.checkUsable();
    this.guard(() => this.state.file.sync());
  }

  /**
   * Removes the segments that hold only entries below `index` (the index of the oldest
   * snapshot the node may still fall back to). The current segment always stays.
   * Returns how many segments were removed.
   */
  releaseBefore(index: number): number {
    this.checkUsable();
    let removed = 0;
    while (this.state.segments.length > 1 && this.state.segments[1]!.firstIndex <= index) {
      const oldest = this.state.segments[0]!;
      // One directory sync per removal keeps the durable set a suffix of the sequence.
      this.guard(() => {
        this.disk.remove(oldest.path);
        this.disk.syncDir(this.options.dir);
      });
      this.state.segments.shift();
      removed++;
    }
    return removed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.failure === undefined) this.state.file.close();
  }

  private cut(): void {
    this.state.file.sync();
    this.state.file.close();
    const previous = this.state.segments.at(-1)!;
    const segment = writeNewSegment(this.disk, this.options.dir, {
      segment: { sequence: previous.sequence + 1, firstIndex: this.state.lastIndex + 1 },
      previousCrc: this.state.chainCrc,
      metadata: this.state.metadata,
      hardState: this.state.hardState,
    });
    this.state.segments.push(segment.file);
    this.state.chainCrc = segment.lastCrc;
    this.state.file = this.disk.openAppend(segment.file.path, { create: false });
  }

  private checkUsable(): void {
    assert(!this.closed, 'WAL used after close()');
    // After a failed write the file may hold part of a batch; only a reopen, which
    // verifies and repairs the tail, may continue from there.
    if (this.failure !== undefined) throw this.failure;
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.failure = error as Error;
      throw error;
    }
  }
}

function resolveOptions(options: WalOptions): ResolvedOptions {
  const segmentBytes = options.segmentBytes ?? SEGMENT_BYTES_DEFAULT;
  const recordBytesMax = options.recordBytesMax ?? RECORD_BYTES_MAX_DEFAULT;
  requirePositiveInteger('segmentBytes', segmentBytes);
  requirePositiveInteger('recordBytesMax', recordBytesMax);
  return { dir: options.dir, logger: options.logger, segmentBytes, recordBytesMax };
}

/** Writes a complete segment head under a temporary name, then renames it into place. */
function writeNewSegment(
  disk: Disk,
  dir: string,
  head: {
    segment: { sequence: number; firstIndex: number };
    previousCrc: number;
    metadata: WalMetadata;
    hardState: HardState;
  },
): { file: SegmentFile; lastCrc: number } {
  const name = formatSegmentName(head.segment);
  const path = joinPath(dir, name);
  const temporaryPath = `${path}.tmp`;
  const encoder = new FrameEncoder(head.previousCrc);
  encoder.add({ type: 'crc', previousCrc: head.previousCrc });
  encoder.add({ type: 'metadata', metadata: head.metadata });
  encoder.add({ type: 'hardState', hardState: head.hardState });
  if (disk.exists(temporaryPath)) disk.remove(temporaryPath);
  const file = disk.openAppend(temporaryPath, { create: true });
  file.append(encoder.take());
  file.sync();
  file.close();
  disk.rename(temporaryPath, path);
  disk.syncDir(dir);
  return { file: { ...head.segment, name, path }, lastCrc: encoder.lastCrc() };
}

function removeTemporaryFiles(disk: Disk, options: ResolvedOptions): void {
  for (const name of disk.list(options.dir)) {
    if (!name.endsWith('.wal.tmp')) continue;
    disk.remove(joinPath(options.dir, name));
    disk.syncDir(options.dir);
    options.logger.info(`WAL ${joinPath(options.dir, name)}: removed a segment left half-created by a crash`);
  }
}

/** Splits a save's entries into records that each stay well under recordBytesMax. */
function chunkEntries(entries: readonly Entry[], recordBytesMax: number): Entry[][] {
  const chunks: Entry[][] = [];
  let current: Entry[] = [];
  let bytes = 0;
  // Each entry costs its data plus at most ~40 bytes of field tags and varints.
  const budget = Math.floor(recordBytesMax / 2);
  for (const entry of entries) {
    const cost = entry.data.length + 40;
    if (cost > budget) {
      throw new ConfigError(
        'recordBytesMax',
        recordBytesMax,
        `entry ${entry.index} of ${entry.data.length} bytes does not fit`,
      );
    }
    if (bytes + cost > budget && current.length > 0) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Entries must continue the log (or overwrite its tail) without a gap: Raft never sends one. */
function checkContiguous(entries: readonly Entry[], lastIndex: number): void {
  const first = entries[0];
  if (first === undefined) return;
  assert(
    first.index >= 1 && first.index <= lastIndex + 1,
    () => `WAL save: entry ${first.index} after last index ${lastIndex}`,
  );
  for (let i = 1; i < entries.length; i++) {
    assert(
      entries[i]!.index === first.index + i,
      () => `WAL save: entries not contiguous at ${entries[i]!.index}`,
    );
  }
}
