// The one set of protobuf read and write helpers of the server, over protobufjs/minimal:
// the Raft vocabulary codec, WAL records, snapshot files, the peer transport, the Raft
// request codec and the store and lease snapshots all encode through these. Integers
// are unsigned (or int64) varints that must fit in a JavaScript safe integer; anything
// the input cannot honestly mean is a CodecError naming the field, so every caller can
// tell "these bytes are bad" from a bug with one `instanceof CodecError`.

import protobuf from 'protobufjs/minimal.js';

export type Writer = protobuf.Writer;
export type Reader = protobuf.Reader;

/** Bytes that do not decode as the expected message. */
export class CodecError extends Error {
  override name = 'CodecError';
}

/** Wire type of varint fields (integers, enums, bools). */
export const WIRE_VARINT = 0;
/** Wire type of length-delimited fields (bytes, strings, embedded messages). */
export const WIRE_BYTES = 2;

/** The key that precedes a field on the wire: field number and wire type in one varint. */
export function fieldTag(field: number, wire: number): number {
  return (field << 3) | wire;
}

export function newWriter(): Writer {
  return protobuf.Writer.create();
}

export function newReader(bytes: Uint8Array): Reader {
  return protobuf.Reader.create(bytes);
}

/** Writes a varint field, omitting zero as proto3 does. */
export function writeUint(writer: Writer, field: number, value: number): void {
  if (value === 0) return;
  writer.uint32(fieldTag(field, WIRE_VARINT));
  // Below 2^32 the uint32 varint is the same bytes, without protobufjs's LongBits object.
  if (value <= 0xffff_ffff && value > 0) writer.uint32(value);
  else writer.uint64(value);
}

/** Writes a signed varint field (int64 two's complement), omitting zero. */
export function writeInt(writer: Writer, field: number, value: number): void {
  if (value === 0) return;
  writer.uint32(fieldTag(field, WIRE_VARINT));
  // A non-negative int64 below 2^32 is the same varint as a uint32 (see writeUint).
  if (value <= 0xffff_ffff && value > 0) writer.uint32(value);
  else writer.int64(value);
}

/** Writes a bool field, omitting false as proto3 does. */
export function writeBool(writer: Writer, field: number, value: boolean | undefined): void {
  if (value === true) writer.uint32(fieldTag(field, WIRE_VARINT)).bool(true);
}

/** Writes a bytes field; `always` keeps an empty value (for repeated or required bytes). */
export function writeBytes(
  writer: Writer,
  field: number,
  value: Uint8Array | undefined,
  always = false,
): void {
  if (value === undefined || (value.length === 0 && !always)) return;
  writer.uint32(fieldTag(field, WIRE_BYTES)).bytes(value);
}

/** Writes an embedded message: `write` fills it, the length prefix is added after. */
export function writeMessage(writer: Writer, field: number, write: (inner: Writer) => void): void {
  writer.uint32(fieldTag(field, WIRE_BYTES)).fork();
  write(writer);
  writer.ldelim();
}

/** protobufjs hands out a Long when a 64-bit value has no exact number; this unwraps it. */
function longToNumber(raw: unknown): number {
  return typeof raw === 'number' ? raw : (raw as { toNumber(): number }).toNumber();
}

/** Bytes of the longest varint readShortVarint decodes: 7 × 7 bits, below 2^49. */
const shortVarintBytesMax = 7;

/**
 * The fast path of the integer readers: a varint of at most shortVarintBytesMax bytes
 * (every index, term and id in practice) decoded exactly in a double, without the Long
 * protobufjs builds for every 64-bit read. Undefined (position unchanged) for a longer or
 * truncated one, which protobufjs then reads or refuses.
 */
function readShortVarint(reader: Reader): number | undefined {
  const { buf, len } = reader;
  let position = reader.pos;
  let value = 0;
  let scale = 1;
  for (let read = 0; read < shortVarintBytesMax && position < len; read++) {
    const byte = buf[position++] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      reader.pos = position;
      return value;
    }
    scale *= 128;
  }
  return undefined;
}

/** Reads an unsigned 64-bit varint that must fit in a JavaScript safe integer. */
export function readUint(reader: Reader, what: string): number {
  const value = readShortVarint(reader) ?? longToNumber(reader.uint64());
  if (!Number.isSafeInteger(value) || value < 0) throw new CodecError(`${what} is not a safe integer`);
  return value;
}

/** Reads a signed 64-bit varint that must fit in a JavaScript safe integer. */
export function readInt(reader: Reader, what: string): number {
  // A negative int64 takes 10 bytes, so a short varint is always a non-negative value.
  const value = readShortVarint(reader) ?? longToNumber(reader.int64());
  if (!Number.isSafeInteger(value)) throw new CodecError(`${what} is not a safe integer`);
  return value;
}

/**
 * Reads a bytes field as a fresh Uint8Array: protobufjs returns a view into the input
 * (a pooled Buffer under Node), which must not be kept past the decode.
 */
export function readBytes(reader: Reader): Uint8Array {
  return new Uint8Array(reader.bytes());
}

/** Skips a field this decoder does not know (forward compatibility, as protobuf intends). */
export function skipField(reader: Reader, tag: number): void {
  try {
    reader.skipType(tag & 7);
  } catch (error) {
    throw new CodecError(`cannot skip field ${tag >>> 3}: ${(error as Error).message}`);
  }
}

/** Reads a length prefix and returns where the embedded message ends. */
export function subMessageEnd(reader: Reader): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new CodecError('embedded message runs past the end');
  return end;
}

/**
 * Reads the fields of one message up to `end`, handing each tag (field number and wire
 * type) to `onTag`; a tag it returns false for is skipped as an unknown field.
 */
export function readTags(reader: Reader, end: number, onTag: (tag: number) => boolean): void {
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!onTag(tag)) skipField(reader, tag);
  }
}

/**
 * Reads the fields of one message up to `length` bytes (the rest of the input when
 * omitted), calling `onField` with each field number; it returns false for a field it
 * does not know, which is then skipped. Unlike `readTags` it also refuses a last field
 * that runs past the message's end.
 */
export function readFields(
  reader: Reader,
  length: number | undefined,
  onField: (field: number, wire: number) => boolean,
): void {
  const end = length === undefined ? reader.len : reader.pos + length;
  readTags(reader, end, (tag) => onField(tag >>> 3, tag & 7));
  if (reader.pos !== end) throw new CodecError('message overruns its length');
}

/** Runs a decoder over `bytes`, turning protobufjs range errors into CodecError. */
export function decodeWith<T>(bytes: Uint8Array, what: string, decode: (reader: Reader) => T): T {
  try {
    return decode(newReader(bytes));
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(`${what}: ${(error as Error).message}`);
  }
}
