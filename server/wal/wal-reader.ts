// Reads every segment of a WAL directory, verifies it, and (when opening for writing)
// repairs the one thing a crash can legitimately leave behind: a torn or partial record
// at the tail of the last segment. That tail is cut off and logged with its size. Any
// other damage — a bad CRC or header anywhere else, a gap in the segment sequence, a
// broken chain between segments — raises WalCorruptionError and nothing is changed.

import type { Disk } from '../ports/disk.js';
import { type DecodedSegment, decodeSegmentBytes, type FrameStop } from './frame-decoder.js';
import type { ReadRecord } from './record.js';
import { parseSegmentName, type SegmentName } from './segment-name.js';
import { type WalCorruption, WalCorruptionError, type WalLogger } from './wal-errors.js';

export interface SegmentFile extends SegmentName {
  readonly name: string;
  readonly path: string;
}

export interface SegmentRecords {
  readonly segment: SegmentFile;
  readonly records: readonly ReadRecord[];
  readonly validBytes: number;
  readonly lastCrc: number;
}

/** What a crash left at the tail of the last segment. */
export interface TornTail {
  readonly path: string;
  readonly offset: number;
  readonly tornBytes: number;
  readonly reason: string;
}

export interface WalContents {
  readonly segments: readonly SegmentRecords[];
  readonly tornTail?: TornTail;
}

export interface ReadWalOptions {
  readonly recordBytesMax: number;
  /** Cut the torn tail off the file (open for writing) instead of only reporting it (dump). */
  readonly repair: boolean;
  readonly logger: WalLogger;
}

export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** The segment files of a directory in sequence order; a gap in the sequence is corruption. */
export function listSegments(disk: Disk, dir: string): SegmentFile[] {
  const segments: SegmentFile[] = [];
  for (const name of disk.list(dir)) {
    const parsed = parseSegmentName(name);
    if (parsed !== undefined) segments.push({ ...parsed, name, path: joinPath(dir, name) });
  }
  segments.sort((a, b) => a.sequence - b.sequence);
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1]!;
    const current = segments[i]!;
    if (current.sequence !== previous.sequence + 1) {
      throw new WalCorruptionError(current.path, 0, {
        kind: 'layout',
        detail: `segment sequence jumps from ${previous.sequence} to ${current.sequence} (a segment is missing)`,
      });
    }
  }
  return segments;
}

export function readWal(disk: Disk, dir: string, options: ReadWalOptions): WalContents {
  const files = listSegments(disk, dir);
  const segments: SegmentRecords[] = [];
  let tornTail: TornTail | undefined;
  for (let i = 0; i < files.length; i++) {
    const segment = files[i]!;
    const isLast = i === files.length - 1;
    const bytes = disk.read(segment.path);
    const decoded = decodeSegmentBytes(bytes, { recordBytesMax: options.recordBytesMax });
    if (decoded.stop !== undefined) {
      const torn = isLast ? tornReason(decoded, bytes) : undefined;
      if (torn === undefined) throw corruptionAt(segment.path, decoded.stop, isLast);
      tornTail = {
        path: segment.path,
        offset: decoded.validBytes,
        tornBytes: bytes.length - decoded.validBytes,
        reason: torn,
      };
    }
    checkChain(segments.at(-1), segment, decoded);
    segments.push({
      segment,
      records: decoded.records,
      validBytes: decoded.validBytes,
      lastCrc: decoded.lastCrc,
    });
  }
  if (tornTail !== undefined) repairTail(disk, dir, { tornTail, segments, options });
  return { segments, ...(tornTail === undefined ? {} : { tornTail }) };
}

/** Why the stop is a torn tail a crash explains, or undefined when it is corruption. */
function tornReason(decoded: DecodedSegment, bytes: Uint8Array): string | undefined {
  const stop = decoded.stop!;
  if (stop.kind === 'partial') return stop.detail;
  if (stop.kind === 'badHeader' && isAllZero(bytes, stop.offset)) return 'unwritten (zero) bytes';
  // The last frame of the file, complete in length but failing its check, with a
  // sector that is all zeros: the sectors of the final write reached the disk only in
  // part (etcd's torn-entry rule). Without a zero sector it is a flipped bit: refused.
  if ((stop.kind === 'crcMismatch' || stop.kind === 'badRecord') && decoded.stopAtEnd) {
    if (hasZeroSector(bytes, stop.offset))
      return `last record fails its check (${stop.kind}) and has an unwritten sector`;
  }
  return undefined;
}

const SECTOR_BYTES = 512;

/** True when some whole 512-byte sector (aligned in the file) from `from` to the end is all zeros. */
function hasZeroSector(bytes: Uint8Array, from: number): boolean {
  for (
    let start = Math.ceil(from / SECTOR_BYTES) * SECTOR_BYTES;
    start + SECTOR_BYTES <= bytes.length;
    start += SECTOR_BYTES
  ) {
    if (isAllZero(bytes.subarray(start, start + SECTOR_BYTES), 0)) return true;
  }
  return false;
}

function isAllZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function corruptionAt(path: string, stop: FrameStop, isLast: boolean): WalCorruptionError {
  let corruption: WalCorruption;
  switch (stop.kind) {
    case 'crcMismatch':
    case 'badHeader':
      corruption = { kind: stop.kind, expectedCrc: stop.expectedCrc, actualCrc: stop.actualCrc };
      break;
    case 'badRecord':
      corruption = { kind: 'badRecord', detail: stop.detail };
      break;
    case 'partial':
      corruption = {
        kind: 'truncated',
        detail: `${stop.detail}${isLast ? '' : ' in a segment that is not the last'}`,
      };
      break;
  }
  return new WalCorruptionError(path, stop.offset, corruption);
}

function checkChain(
  previous: SegmentRecords | undefined,
  segment: SegmentFile,
  decoded: DecodedSegment,
): void {
  const first = decoded.records[0];
  if (first === undefined || first.record.type !== 'crc') return;
  const expected = previous === undefined ? (segment.sequence === 0 ? 0 : undefined) : previous.lastCrc;
  if (expected !== undefined && first.record.previousCrc !== expected) {
    throw new WalCorruptionError(segment.path, 0, {
      kind: 'chain',
      expectedCrc: expected,
      actualCrc: first.record.previousCrc,
    });
  }
}

function repairTail(
  disk: Disk,
  dir: string,
  context: { tornTail: TornTail; segments: SegmentRecords[]; options: ReadWalOptions },
): void {
  const { tornTail, segments, options } = context;
  const last = segments.at(-1)!;
  const message =
    `WAL ${tornTail.path}: torn tail of ${tornTail.tornBytes} bytes at offset ${tornTail.offset} ` +
    `(${tornTail.reason})`;
  if (!options.repair) {
    options.logger.warn(`${message}; it would be truncated on open`);
    return;
  }
  if (last.records.length === 0 && segments.length > 1) {
    // A segment whose first record never reached the disk: the crash hit while it was
    // being created. Its predecessor is complete, so the empty file goes.
    disk.remove(tornTail.path);
    disk.syncDir(dir);
    segments.pop();
    options.logger.warn(`${message}; removed the segment, which held no complete record`);
    return;
  }
  disk.truncate(tornTail.path, tornTail.offset);
  options.logger.warn(`${message}; truncated ${tornTail.tornBytes} bytes`);
}
