// Encodes WAL records into frames (layout in record.ts) in one growing buffer, keeping
// the CRC chain. A save's frames come out as one buffer: one write, one fsync.
//
// The entries record, which carries every entry of a save, is encoded by hand straight
// into the buffer (protobuf wire format, the same bytes protobufjs would produce and
// its Reader decodes): protobufjs's Writer allocates per field and per uint64, which
// made a 256-entry batch spend more time encoding than the fsync took. The other,
// rare record types go through protobufjs.

import { crc32c } from '@node-rs/crc32';
import type { Entry } from '../raft/types.js';
import { encodeRecordData, FRAME_HEADER_BYTES, RecordType, type WalRecord } from './record.js';

const TAG_TYPE = 0x08; // field 1, varint
const TAG_CRC = 0x10; // field 2, varint
const TAG_DATA = 0x1a; // field 3, bytes
const TAG_ENTRY = 0x0a; // Entries.entries = 1, bytes
const TAG_ENTRY_TYPE = 0x08; // Entry.Type = 1
const TAG_ENTRY_TERM = 0x10; // Entry.Term = 2
const TAG_ENTRY_INDEX = 0x18; // Entry.Index = 3
const TAG_ENTRY_DATA = 0x22; // Entry.Data = 4

export class FrameEncoder {
  private buffer = new Uint8Array(4096);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  constructor(private crc: number) {}

  /** The chain value after the last record added. */
  lastCrc(): number {
    return this.crc;
  }

  bytes(): number {
    return this.length;
  }

  add(record: WalRecord): void {
    const frameStart = this.length;
    this.reserve(FRAME_HEADER_BYTES + 16);
    this.length += FRAME_HEADER_BYTES;
    const coveredStart = this.length;
    this.buffer[this.length++] = TAG_TYPE;
    this.varint(RecordType[record.type]);
    this.buffer[this.length++] = TAG_DATA;
    if (record.type === 'entries') {
      const entries = record.entries;
      let dataBytes = 0;
      for (let i = 0; i < entries.length; i++) {
        const size = entrySize(entries[i]!);
        dataBytes += 1 + varintSize(size) + size;
      }
      this.reserve(dataBytes + 16);
      this.varint(dataBytes);
      for (let i = 0; i < entries.length; i++) this.entry(entries[i]!);
    } else {
      const data = encodeRecordData(record);
      this.reserve(data.length + 16);
      this.varint(data.length);
      this.buffer.set(data, this.length);
      this.length += data.length;
    }
    const seed = record.type === 'crc' ? record.previousCrc : this.crc;
    const crc = crc32c(this.buffer.subarray(coveredStart, this.length), seed);
    this.buffer[this.length++] = TAG_CRC;
    this.varint(crc);
    this.view.setUint32(frameStart, this.length - coveredStart, true);
    this.view.setUint32(frameStart + 4, crc32c(this.buffer.subarray(frameStart, frameStart + 4)), true);
    this.crc = crc;
  }

  /** All frames added since the last take(), as one buffer (one write). */
  take(): Uint8Array {
    const out = this.buffer.subarray(0, this.length);
    this.buffer = new Uint8Array(4096);
    this.view = new DataView(this.buffer.buffer);
    this.length = 0;
    return out;
  }

  private entry(entry: Entry): void {
    const buffer = this.buffer;
    buffer[this.length++] = TAG_ENTRY;
    this.varint(entrySize(entry));
    buffer[this.length++] = TAG_ENTRY_TYPE;
    buffer[this.length++] = entry.type === 'normal' ? 0 : 1;
    buffer[this.length++] = TAG_ENTRY_TERM;
    this.varint(entry.term);
    buffer[this.length++] = TAG_ENTRY_INDEX;
    this.varint(entry.index);
    if (entry.data.length > 0) {
      buffer[this.length++] = TAG_ENTRY_DATA;
      this.varint(entry.data.length);
      buffer.set(entry.data, this.length);
      this.length += entry.data.length;
    }
  }

  /** Unsigned varint of a safe integer (up to 2^53), least significant group first. */
  private varint(value: number): void {
    if (value < 0x80) {
      this.buffer[this.length++] = value;
      return;
    }
    if (value <= 0xffffffff) {
      // 32-bit fast path: shifts instead of division.
      let bits = value >>> 0;
      while (bits > 0x7f) {
        this.buffer[this.length++] = (bits & 0x7f) | 0x80;
        bits >>>= 7;
      }
      this.buffer[this.length++] = bits;
      return;
    }
    let rest = value;
    while (rest > 0x7f) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }
}

function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 1;
  for (let rest = value; rest > 0x7f; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** Encoded size of an Entry message, matching FrameEncoder.entry(). */
function entrySize(entry: Entry): number {
  let size = 2 + 1 + varintSize(entry.term) + 1 + varintSize(entry.index);
  if (entry.data.length > 0) size += 1 + varintSize(entry.data.length) + entry.data.length;
  return size;
}
