// Protobuf encoding of the Raft vocabulary: Entry, HardState, ConfState,
// SnapshotMetadata and Snapshot, with etcd's raftpb field numbers
// (Entry{Type=1,Term=2,Index=3,Data=4}, HardState{term=1,vote=2,commit=3},
// Snapshot{data=1,metadata=2}, SnapshotMetadata{conf_state=1,index=2,term=3},
// ConfState{voters=1,learners=2}) so a dump reads like etcd's. The WAL, the snapshot
// files and the peer transport all use it, so one encoding of these types exists.
// Decoders reject what they cannot represent (unknown wire types, integers past 2^53)
// with a CodecError.

import type { ConfState, Entry, EntryType, HardState, Snapshot, SnapshotMetadata } from '../raft/types.js';
import {
  CodecError,
  decodeWith,
  fieldTag,
  newWriter,
  type Reader,
  readBytes,
  readTags,
  readUint,
  subMessageEnd,
  WIRE_BYTES,
  WIRE_VARINT,
  type Writer,
} from './proto-io.js';

const entryTypeNumbers: Record<EntryType, number> = { normal: 0, confChange: 1 };

export function writeEntry(writer: Writer, entry: Entry): Writer {
  writer.uint32(fieldTag(1, WIRE_VARINT)).uint32(entryTypeNumbers[entry.type]);
  writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(entry.term);
  writer.uint32(fieldTag(3, WIRE_VARINT)).uint64(entry.index);
  if (entry.data.length > 0) writer.uint32(fieldTag(4, WIRE_BYTES)).bytes(entry.data);
  return writer;
}

export function encodeEntry(entry: Entry): Uint8Array {
  return writeEntry(newWriter(), entry).finish();
}

export function decodeEntry(bytes: Uint8Array): Entry {
  return decodeWith(bytes, 'Entry', (reader) => {
    let type: EntryType = 'normal';
    let term = 0;
    let index = 0;
    let data: Uint8Array = new Uint8Array(0);
    readTags(reader, reader.len, (tag) => {
      switch (tag) {
        case fieldTag(1, WIRE_VARINT): {
          const number = reader.uint32();
          if (number !== 0 && number !== 1) throw new CodecError(`Entry.Type ${number} is unknown`);
          type = number === 0 ? 'normal' : 'confChange';
          return true;
        }
        case fieldTag(2, WIRE_VARINT):
          term = readUint(reader, 'Entry.Term');
          return true;
        case fieldTag(3, WIRE_VARINT):
          index = readUint(reader, 'Entry.Index');
          return true;
        case fieldTag(4, WIRE_BYTES):
          data = readBytes(reader);
          return true;
        default:
          return false;
      }
    });
    return { term, index, type, data };
  });
}

export function writeHardState(writer: Writer, hardState: HardState): Writer {
  writer.uint32(fieldTag(1, WIRE_VARINT)).uint64(hardState.term);
  writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(hardState.vote);
  writer.uint32(fieldTag(3, WIRE_VARINT)).uint64(hardState.commit);
  return writer;
}

export function encodeHardState(hardState: HardState): Uint8Array {
  return writeHardState(newWriter(), hardState).finish();
}

export function decodeHardState(bytes: Uint8Array): HardState {
  return decodeWith(bytes, 'HardState', (reader) => {
    let term = 0;
    let vote = 0;
    let commit = 0;
    readTags(reader, reader.len, (tag) => {
      if (tag === fieldTag(1, WIRE_VARINT)) term = readUint(reader, 'HardState.term');
      else if (tag === fieldTag(2, WIRE_VARINT)) vote = readUint(reader, 'HardState.vote');
      else if (tag === fieldTag(3, WIRE_VARINT)) commit = readUint(reader, 'HardState.commit');
      else return false;
      return true;
    });
    return { term, vote, commit };
  });
}

export function writeConfState(writer: Writer, confState: ConfState): Writer {
  for (const voter of confState.voters) writer.uint32(fieldTag(1, WIRE_VARINT)).uint64(voter);
  for (const learner of confState.learners) writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(learner);
  return writer;
}

export function readConfState(reader: Reader, end: number): ConfState {
  const voters: number[] = [];
  const learners: number[] = [];
  readTags(reader, end, (tag) => {
    if (tag === fieldTag(1, WIRE_VARINT)) voters.push(readUint(reader, 'ConfState.voters'));
    else if (tag === fieldTag(2, WIRE_VARINT)) learners.push(readUint(reader, 'ConfState.learners'));
    else return false;
    return true;
  });
  return { voters, learners };
}

function writeSnapshotMetadata(writer: Writer, metadata: SnapshotMetadata): Writer {
  writeConfState(writer.uint32(fieldTag(1, WIRE_BYTES)).fork(), metadata.confState).ldelim();
  writer.uint32(fieldTag(2, WIRE_VARINT)).uint64(metadata.index);
  writer.uint32(fieldTag(3, WIRE_VARINT)).uint64(metadata.term);
  return writer;
}

function readSnapshotMetadata(reader: Reader, end: number): SnapshotMetadata {
  let confState: ConfState = { voters: [], learners: [] };
  let index = 0;
  let term = 0;
  readTags(reader, end, (tag) => {
    if (tag === fieldTag(1, WIRE_BYTES)) confState = readConfState(reader, subMessageEnd(reader));
    else if (tag === fieldTag(2, WIRE_VARINT)) index = readUint(reader, 'SnapshotMetadata.index');
    else if (tag === fieldTag(3, WIRE_VARINT)) term = readUint(reader, 'SnapshotMetadata.term');
    else return false;
    return true;
  });
  return { index, term, confState };
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const writer = newWriter();
  if (snapshot.data.length > 0) writer.uint32(fieldTag(1, WIRE_BYTES)).bytes(snapshot.data);
  writeSnapshotMetadata(writer.uint32(fieldTag(2, WIRE_BYTES)).fork(), snapshot.metadata).ldelim();
  return writer.finish();
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  return decodeWith(bytes, 'Snapshot', (reader) => {
    let data: Uint8Array = new Uint8Array(0);
    let metadata: SnapshotMetadata = { index: 0, term: 0, confState: { voters: [], learners: [] } };
    readTags(reader, reader.len, (tag) => {
      if (tag === fieldTag(1, WIRE_BYTES)) data = readBytes(reader);
      else if (tag === fieldTag(2, WIRE_BYTES))
        metadata = readSnapshotMetadata(reader, subMessageEnd(reader));
      else return false;
      return true;
    });
    return { data, metadata };
  });
}
