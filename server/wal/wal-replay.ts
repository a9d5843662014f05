// Rebuilds Raft's durable state from the records of an opened WAL, starting at a
// snapshot (or at the beginning of the log). Later hard states win; an entry at an
// index already seen replaces it and everything after it (a new leader overwrote an
// uncommitted tail); a snapshot marker with `logReset` drops the entries above it.

import type { Entry, HardState } from '../raft/types.js';
import type { WalMetadata } from './record.js';
import { WalCorruptionError, WalReplayError } from './wal-errors.js';
import type { WalContents } from './wal-reader.js';

export interface ReplayStart {
  readonly index: number;
  readonly term: number;
}

export interface ReplayedWal {
  readonly metadata: WalMetadata;
  readonly hardState: HardState;
  /** Entries after the start index, contiguous. */
  readonly entries: readonly Entry[];
}

/** Replays from `start` (index 0 = the beginning of the log); throws WalReplayError if it cannot. */
export function replayWal(contents: WalContents, start: ReplayStart): ReplayedWal {
  const first = contents.segments[0];
  if (first === undefined) throw new WalReplayError('the WAL has no segments');
  if (start.index === 0 && first.segment.sequence !== 0) {
    throw new WalReplayError(
      `cannot replay from the beginning: segments before ${first.segment.name} were released behind a snapshot`,
    );
  }
  let metadata: WalMetadata | undefined;
  let hardState: HardState = { term: 0, vote: 0, commit: 0 };
  let entries: Entry[] = [];
  let startFound = start.index === 0;
  for (const { segment, records } of contents.segments) {
    for (const { record, offset } of records) {
      switch (record.type) {
        case 'metadata':
          metadata ??= record.metadata;
          break;
        case 'hardState':
          hardState = record.hardState;
          break;
        case 'snapshot': {
          const marker = record.marker;
          if (marker.index === start.index && marker.term === start.term) startFound = true;
          if (!marker.logReset) break;
          if (marker.index > start.index) {
            throw new WalReplayError(
              `cannot replay from index ${start.index}: the log was replaced by snapshot ${marker.index} ` +
                `(term ${marker.term}) at ${segment.path} offset ${offset}, and that snapshot is not available`,
            );
          }
          entries = [];
          break;
        }
        case 'entries':
          for (const entry of record.entries) {
            // An entry at or below the start still cut the log after it when it was written.
            if (entry.index <= start.index) {
              entries = [];
              continue;
            }
            const expected = start.index + entries.length + 1;
            if (entry.index > expected) {
              throw new WalCorruptionError(segment.path, offset, {
                kind: 'layout',
                detail: `entry ${entry.index} leaves a gap after index ${expected - 1}`,
              });
            }
            entries.length = entry.index - start.index - 1;
            entries.push(entry);
          }
          break;
        case 'crc':
          break;
      }
    }
  }
  if (!startFound) {
    throw new WalReplayError(`the WAL has no marker for snapshot ${start.index} (term ${start.term})`);
  }
  if (metadata === undefined) throw new WalReplayError('the WAL has no metadata record');
  return { metadata, hardState, entries };
}
