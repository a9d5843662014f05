// Protobuf encoding of the Raft vocabulary the WAL and snapshot files store: Entry,
// HardState, ConfState, SnapshotMetadata and Snapshot, with etcd's raftpb field numbers
// (Entry{Type=1,Term=2,Index=3,Data=4}, HardState{term=1,vote=2,commit=3},
// Snapshot{data=1,metadata=2}, SnapshotMetadata{conf_state=1,index=2,term=3},
// ConfState{voters=1,learners=2}) so a dump reads like etcd's. Decoders reject what
// they cannot represent (unknown wire types, integers past 2^53) with a CodecError.

import protobuf from 'protobufjs/minimal.js';
import type { ConfState, Entry, EntryType, HardState, Snapshot, SnapshotMetadata } from '../raft/types.js';

export type Writer = protobuf.Writer;
export type Reader = protobuf.Reader;

/** Bytes that do not decode as the expected message. */
export class CodecError extends Error {
  override name = 'CodecError';
}

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;

export function newWriter(): Writer {
  return protobuf.Writer.create();
}

export function newReader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
}

/** Reads an unsigned 64-bit varint that must fit in a JavaScript safe integer. */
export function readSafeUint64(reader: Reader, what: string): number {
  const raw: unknown = reader.uint64();
  const value = typeof raw === 'number' ? raw : (raw as { toNumber(): number }).toNumber();
  if (!Number.isSafeInteger(value) || value < 0) throw new CodecError(`${what} is not a safe integer`);
  return value;
}

/** Skips a field this decoder does not know (forward compatibility, as protobuf intends). */
export function skipField(reader: Reader, tag: number): void {
  try {
    reader.skipType(tag & 7);
  } catch (error) {
    throw new CodecError(`cannot skip field ${tag >>> 3}: ${(error as Error).message}`);
  }
}

/** Runs a decoder, turning protobufjs range errors into CodecError. */
export function decodeWith<T>(bytes: Uint8Array, what: string, decode: (reader: Reader) => T): T {
  try {
    return decode(newReader(bytes));
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(`${what}: ${(error as Error).message}`);
  }
}

function tag(field: number, wire: number): number {
  return (field << 3) | wire;
}

const entryTypeNumbers: Record<EntryType, number> = { normal: 0, confChange: 1 };

export function writeEntry(writer: Writer, entry: Entry): Writer {
  writer.uint32(tag(1, WIRE_VARINT)).uint32(entryTypeNumbers[entry.type]);
  writer.uint32(tag(2, WIRE_VARINT)).uint64(entry.term);
  writer.uint32(tag(3, WIRE_VARINT)).uint64(entry.index);
  if (entry.data.length > 0) writer.uint32(tag(4, WIRE_BYTES)).bytes(entry.data);
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
    while (reader.pos < reader.len) {
      const fieldTag = reader.uint32();
      switch (fieldTag) {
        case tag(1, WIRE_VARINT): {
          const number = reader.uint32();
          if (number !== 0 && number !== 1) throw new CodecError(`Entry.Type ${number} is unknown`);
          type = number === 0 ? 'normal' : 'confChange';
          break;
        }
        case tag(2, WIRE_VARINT):
          term = readSafeUint64(reader, 'Entry.Term');
          break;
        case tag(3, WIRE_VARINT):
          index = readSafeUint64(reader, 'Entry.Index');
          break;
        case tag(4, WIRE_BYTES):
          data = copyBytes(reader.bytes());
          break;
        default:
          skipField(reader, fieldTag);
      }
    }
    return { term, index, type, data };
  });
}

export function writeHardState(writer: Writer, hardState: HardState): Writer {
  writer.uint32(tag(1, WIRE_VARINT)).uint64(hardState.term);
  writer.uint32(tag(2, WIRE_VARINT)).uint64(hardState.vote);
  writer.uint32(tag(3, WIRE_VARINT)).uint64(hardState.commit);
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
    while (reader.pos < reader.len) {
      const fieldTag = reader.uint32();
      if (fieldTag === tag(1, WIRE_VARINT)) term = readSafeUint64(reader, 'HardState.term');
      else if (fieldTag === tag(2, WIRE_VARINT)) vote = readSafeUint64(reader, 'HardState.vote');
      else if (fieldTag === tag(3, WIRE_VARINT)) commit = readSafeUint64(reader, 'HardState.commit');
      else skipField(reader, fieldTag);
    }
    return { term, vote, commit };
  });
}

export function writeConfState(writer: Writer, confState: ConfState): Writer {
  for (const voter of confState.voters) writer.uint32(tag(1, WIRE_VARINT)).uint64(voter);
  for (const learner of confState.learners) writer.uint32(tag(2, WIRE_VARINT)).uint64(learner);
  return writer;
}

export function readConfState(reader: Reader, end: number): ConfState {
  const voters: number[] = [];
  const learners: number[] = [];
  while (reader.pos < end) {
    const fieldTag = reader.uint32();
    if (fieldTag === tag(1, WIRE_VARINT)) voters.push(readSafeUint64(reader, 'ConfState.voters'));
    else if (fieldTag === tag(2, WIRE_VARINT)) learners.push(readSafeUint64(reader, 'ConfState.learners'));
    else skipField(reader, fieldTag);
  }
  return { voters, learners };
}

function writeSnapshotMetadata(writer: Writer, metadata: SnapshotMetadata): Writer {
  writeConfState(writer.uint32(tag(1, WIRE_BYTES)).fork(), metadata.confState).ldelim();
  writer.uint32(tag(2, WIRE_VARINT)).uint64(metadata.index);
  writer.uint32(tag(3, WIRE_VARINT)).uint64(metadata.term);
  return writer;
}

function readSnapshotMetadata(reader: Reader, end: number): SnapshotMetadata {
  let confState: ConfState = { voters: [], learners: [] };
  let index = 0;
  let term = 0;
  while (reader.pos < end) {
    const fieldTag = reader.uint32();
    if (fieldTag === tag(1, WIRE_BYTES)) confState = readConfState(reader, subMessageEnd(reader));
    else if (fieldTag === tag(2, WIRE_VARINT)) index = readSafeUint64(reader, 'SnapshotMetadata.index');
    else if (fieldTag === tag(3, WIRE_VARINT)) term = readSafeUint64(reader, 'SnapshotMetadata.term');
    else skipField(reader, fieldTag);
  }
  return { index, term, confState };
}

/** Reads a length prefix and returns where the embedded message ends. */
export function subMessageEnd(reader: Reader): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new CodecError('embedded message runs past the end');
  return end;
}

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const writer = newWriter();
  if (snapshot.data.length > 0) writer.uint32(tag(1, WIRE_BYTES)).bytes(snapshot.data);
  writeSnapshotMetadata(writer.uint32(tag(2, WIRE_BYTES)).fork(), snapshot.metadata).ldelim();
  return writer.finish();
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  return decodeWith(bytes, 'Snapshot', (reader) => {
    let data: Uint8Array = new Uint8Array(0);
    let metadata: SnapshotMetadata = { index: 0, term: 0, confState: { voters: [], learners: [] } };
    while (reader.pos < reader.len) {
      const fieldTag = reader.uint32();
      if (fieldTag === tag(1, WIRE_BYTES)) data = copyBytes(reader.bytes());
      else if (fieldTag === tag(2, WIRE_BYTES))
        metadata = readSnapshotMetadata(reader, subMessageEnd(reader));
      else skipField(reader, fieldTag);
    }
    return { data, metadata };
  });
}

/** A fresh Uint8Array that does not alias a larger buffer (or a Node Buffer pool). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export { tag as fieldTag, WIRE_BYTES, WIRE_VARINT };
