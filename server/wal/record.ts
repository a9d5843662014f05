// WAL records and their framing on disk.
//
// A record is etcd's walpb.Record {type=1, crc=2, data=3}. The record types and their
// numbers are etcd's: metadata=1, entries=2, hard state=3, crc=4, snapshot marker=5.
// Unlike etcd, which writes one record per entry, an entries record carries all the
// entries of one save (data = {repeated raftpb.Entry entries = 1}): group commit then
// costs one record, one CRC and one frame per batch instead of one per entry, which is
// what lets a batch of 256 entries run near the disk's raw append+fsync speed.
//
// Frame: [u32 LE payload length][u32 LE crc32c of those 4 length bytes][payload]. The
// length has its own check so that a bit flip in a length field is reported as
// corruption instead of passing for a record cut short by a crash (a torn write keeps
// a prefix of what was written, so a complete header is always a correct one).
//
// The CRC is chained over the log like etcd's: a record's crc is crc32c over the
// encoded type and data fields (the payload bytes before the crc field, which is written
// last), seeded with the previous record's crc. Each segment opens with a crc record
// whose data holds the chain value the previous segment ended with, so a segment can
// be verified on its own and a missing or swapped segment is noticed.

import {
  CodecError,
  decodeEntry,
  decodeHardState,
  decodeWith,
  fieldTag,
  newWriter,
  readConfState,
  readTags,
  readUint,
  subMessageEnd,
  WIRE_BYTES,
  WIRE_VARINT,
  writeConfState,
  writeEntry,
  writeHardState,
} from '../codec/index.js';
import type { ConfState, Entry, HardState } from '../raft/types.js';

export const RecordType = { metadata: 1, entries: 2, hardState: 3, crc: 4, snapshot: 5 } as const;
export type RecordTypeName = keyof typeof RecordType;

export const FRAME_HEADER_BYTES = 8;

/** Which node and cluster a WAL belongs to (etcd's Metadata{NodeID=1, ClusterID=2}). */
export interface WalMetadata {
  readonly nodeId: number;
  readonly clusterId: number;
}

/**
 * The snapshot marker: a snapshot at (index, term) exists. `logReset` is our addition
 * (field 4): set when Raft installed a snapshot received from the leader, which replaces
 * the whole log, so stored entries above the index written before it are stale.
 */
export interface SnapshotMarker {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
  readonly logReset: boolean;
}

export type WalRecord =
  | { readonly type: 'metadata'; readonly metadata: WalMetadata }
  | { readonly type: 'entries'; readonly entries: readonly Entry[] }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  | { readonly type: 'crc'; readonly previousCrc: number }
  | { readonly type: 'snapshot'; readonly marker: SnapshotMarker };

/** A record as read back: where it was and how big its frame is. */
export interface ReadRecord {
  readonly record: WalRecord;
  readonly offset: number;
  readonly frameBytes: number;
  readonly crc: number;
}

/** The crc field (field 2, varint) in its one canonical encoding. */
export function encodeCrcField(crc: number): Uint8Array {
  return newWriter().uint32(fieldTag(2, WIRE_VARINT)).uint32(crc).finish();
}

/** Encodes the data field of a record with protobufjs (the hot entries path is in frame-encoder.ts). */
export function encodeRecordData(record: WalRecord): Uint8Array {
  const writer = newWriter();
  writeRecordData(writer, record);
  return writer.finish();
}

function writeRecordData(writer: ReturnType<typeof newWriter>, record: WalRecord): void {
  switch (record.type) {
    case 'metadata':
      writer.uint32(fieldTag(1, WIRE_VARINT)).uint64(record.metadata.nodeId);
      writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(record.metadata.clusterId);
      return;
    case 'entries':
      for (const entry of record.entries)
        writeEntry(writer.uint32(fieldTag(1, WIRE_BYTES)).fork(), entry).ldelim();
      return;
    case 'hardState':
      writeHardState(writer, record.hardState);
      return;
    case 'crc':
      // Four raw little-endian bytes: the chain value the previous segment ended with.
      writer.fixed32(record.previousCrc);
      return;
    case 'snapshot':
      writer.uint32(fieldTag(1, WIRE_VARINT)).uint64(record.marker.index);
      writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(record.marker.term);
      writeConfState(writer.uint32(fieldTag(3, WIRE_BYTES)).fork(), record.marker.confState).ldelim();
      if (record.marker.logReset) writer.uint32(fieldTag(4, WIRE_VARINT)).bool(true);
      return;
  }
}

/** Decodes a record's data field given its type number; throws CodecError. */
export function decodeRecordData(typeNumber: number, data: Uint8Array): WalRecord {
  switch (typeNumber) {
    case RecordType.metadata:
      return decodeWith(data, 'Metadata', (reader) => {
        let nodeId = 0;
        let clusterId = 0;
        readTags(reader, reader.len, (tag) => {
          if (tag === fieldTag(1, WIRE_VARINT)) nodeId = readUint(reader, 'Metadata.NodeID');
          else if (tag === fieldTag(2, WIRE_VARINT)) clusterId = readUint(reader, 'Metadata.ClusterID');
          else return false;
          return true;
        });
        return { type: 'metadata', metadata: { nodeId, clusterId } };
      });
    case RecordType.entries:
      return { type: 'entries', entries: decodeEntries(data) };
    case RecordType.hardState:
      return { type: 'hardState', hardState: decodeHardState(data) };
    case RecordType.crc:
      if (data.length !== 4) throw new CodecError(`crc record data is ${data.length} bytes, expected 4`);
      return { type: 'crc', previousCrc: new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) };
    case RecordType.snapshot:
      return { type: 'snapshot', marker: decodeSnapshotMarker(data) };
    default:
      throw new CodecError(`unknown record type ${typeNumber}`);
  }
}

function decodeEntries(data: Uint8Array): Entry[] {
  return decodeWith(data, 'Entries', (reader) => {
    const entries: Entry[] = [];
    readTags(reader, reader.len, (tag) => {
      if (tag === fieldTag(1, WIRE_BYTES)) entries.push(decodeEntry(reader.bytes()));
      else return false;
      return true;
    });
    return entries;
  });
}

function decodeSnapshotMarker(data: Uint8Array): SnapshotMarker {
  return decodeWith(data, 'Snapshot marker', (reader) => {
    let index = 0;
    let term = 0;
    let confState: ConfState = { voters: [], learners: [] };
    let logReset = false;
    readTags(reader, reader.len, (tag) => {
      if (tag === fieldTag(1, WIRE_VARINT)) index = readUint(reader, 'Snapshot.index');
      else if (tag === fieldTag(2, WIRE_VARINT)) term = readUint(reader, 'Snapshot.term');
      else if (tag === fieldTag(3, WIRE_BYTES)) confState = readConfState(reader, subMessageEnd(reader));
      else if (tag === fieldTag(4, WIRE_VARINT)) logReset = reader.bool();
      else return false;
      return true;
    });
    return { index, term, confState, logReset };
  });
}

/** The type name of a record type number, for dumps and errors. */
export function recordTypeName(typeNumber: number): string {
  for (const [name, number] of Object.entries(RecordType)) if (number === typeNumber) return name;
  return `unknown(${typeNumber})`;
}
