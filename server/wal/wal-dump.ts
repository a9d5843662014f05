// `etcd-ts wal dump`: prints every record of a WAL directory (segment, offset, type,
// index, term, size) the way etcd's etcd-dump-logs does, so an operator can see what a
// node that will not start has on disk. With `verify`, it also checks every CRC and
// the chain between segments, and throws WalCorruptionError on the first bad record.

import type { Disk } from '../ports/disk.js';
import { Snapshotter } from '../snapshot/snapshotter.js';
import { decodeSegmentBytes } from './frame-decoder.js';
import type { WalRecord } from './record.js';
import { hex8 } from './segment-name.js';
import { RECORD_BYTES_MAX_DEFAULT } from './wal.js';
import { joinPath, listSegments, readWal } from './wal-reader.js';

export interface DumpOptions {
  readonly verify: boolean;
  readonly write: (line: string) => void;
}

export interface DumpSummary {
  readonly segments: number;
  readonly records: number;
  readonly lastIndex: number;
}

/** The directory holding the segments: DIR itself, or DIR/wal (a node's data directory). */
export function resolveWalDir(disk: Disk, dir: string): string | undefined {
  if (listSegments(disk, dir).length > 0) return dir;
  const nested = joinPath(dir, 'wal');
  if (listSegments(disk, nested).length > 0) return nested;
  return undefined;
}

export function dumpWal(disk: Disk, walDir: string, options: DumpOptions): DumpSummary {
  const { write } = options;
  let records = 0;
  let lastIndex = 0;
  const segments = listSegments(disk, walDir);
  write(
    `${'offset'.padStart(10)}  ${'type'.padEnd(9)} ${'term'.padStart(8)} ${'index'.padStart(10)} ${'size'.padStart(7)}  detail`,
  );
  for (const segment of segments) {
    write(`segment ${segment.name} (sequence ${segment.sequence}, first index ${segment.firstIndex})`);
    const bytes = disk.read(segment.path);
    const decoded = decodeSegmentBytes(bytes, { recordBytesMax: RECORD_BYTES_MAX_DEFAULT });
    for (const read of decoded.records) {
      records++;
      if (read.record.type === 'entries') lastIndex = read.record.entries.at(-1)?.index ?? lastIndex;
      write(formatRecord(read.record, { offset: read.offset, frameBytes: read.frameBytes }));
    }
    if (decoded.stop !== undefined) {
      write(
        `# reading stopped at offset ${decoded.stop.offset} (${decoded.stop.kind}); ${bytes.length - decoded.validBytes} bytes not shown`,
      );
    }
  }
  if (options.verify) {
    // readWal applies the same rules as opening the node, without repairing anything.
    readWal(disk, walDir, {
      recordBytesMax: RECORD_BYTES_MAX_DEFAULT,
      repair: false,
      logger: { info: (message) => write(`# ${message}`), warn: (message) => write(`# warning: ${message}`) },
    });
    write(`# verified: no corruption; every complete record's CRC matches in ${segments.length} segment(s)`);
  }
  write(`# ${records} records in ${segments.length} segment(s); last entry index ${lastIndex}`);
  dumpSnapshots(disk, walDir, write);
  return { segments: segments.length, records, lastIndex };
}

function formatRecord(record: WalRecord, where: { offset: number; frameBytes: number }): string {
  // Entries after the first of a record share its frame: offset and size show once.
  const columns = (type: string, term: string, index: string, detail: string, first = true): string =>
    `${(first ? String(where.offset) : '').padStart(10)}  ${type.padEnd(9)} ${term.padStart(8)} ${index.padStart(10)} ` +
    `${(first ? String(where.frameBytes) : '').padStart(7)}  ${detail}`;
  switch (record.type) {
    case 'crc':
      return columns('crc', '-', '-', `previous=${hex8(record.previousCrc)}`);
    case 'metadata':
      return columns(
        'metadata',
        '-',
        '-',
        `node=${record.metadata.nodeId} cluster=${record.metadata.clusterId}`,
      );
    case 'hardState': {
      const { term, vote, commit } = record.hardState;
      return columns('hardState', String(term), '-', `vote=${vote} commit=${commit}`);
    }
    case 'snapshot': {
      const { index, term, logReset } = record.marker;
      return columns('snapshot', String(term), String(index), logReset ? 'installed (log reset)' : 'taken');
    }
    case 'entries':
      return record.entries
        .map((entry, i) =>
          columns(
            entry.type === 'normal' ? 'entry' : 'confChange',
            String(entry.term),
            String(entry.index),
            `data=${entry.data.length}B${i === 0 ? ` (record of ${record.entries.length})` : ''}`,
            i === 0,
          ),
        )
        .join('\n');
  }
}

/** Next to a node's wal/ directory: its snapshot files, newest first, with their check. */
function dumpSnapshots(disk: Disk, walDir: string, write: (line: string) => void): void {
  const snapDir = walDir.replace(/\/?wal\/?$/, '/snap');
  if (snapDir === walDir || !disk.exists(snapDir)) return;
  const snapshotter = new Snapshotter(disk, { dir: snapDir, logger: { info: () => {}, warn: () => {} } });
  for (const file of snapshotter.files()) {
    const loaded = snapshotter.load(file);
    const status =
      loaded.type === 'ok'
        ? `ok, ${loaded.snapshot.data.length} bytes of state`
        : `CORRUPT: ${loaded.reason}`;
    write(`# snapshot ${file.name}: index ${file.index} term ${file.term}, ${status}`);
  }
}
