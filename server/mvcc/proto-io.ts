// Small protobuf reading and writing helpers over protobufjs/minimal, shared by the
// store snapshot, the lessor snapshot and the Raft request codec. Integers are unsigned
// varints below 2^53; anything else in the input is a CodecError naming the field.

import protobuf from 'protobufjs/minimal.js';

export type Writer = protobuf.Writer;
export type Reader = protobuf.Reader;

/** Bytes that do not decode as the expected message. */
export class CodecError extends Error {
  override name = 'CodecError';
}

export const wireVarint = 0;
export const wireBytes = 2;

export function newWriter(): Writer {
  return protobuf.Writer.create();
}

/** Writes a varint field, omitting zero as proto3 does. */
export function writeUint(writer: Writer, field: number, value: number): void {
  if (value === 0) return;
  writer.uint32((field << 3) | wireVarint).uint64(value);
}

/** Writes a signed varint field (int64 two's complement), omitting zero. */
export function writeInt(writer: Writer, field: number, value: number): void {
  if (value === 0) return;
  writer.uint32((field << 3) | wireVarint).int64(value);
}

export function writeBool(writer: Writer, field: number, value: boolean | undefined): void {
  if (value === true) writer.uint32((field << 3) | wireVarint).bool(true);
}

/** Writes a bytes field; `always` keeps an empty value (for repeated or required bytes). */
export function writeBytes(
  writer: Writer,
  field: number,
  value: Uint8Array | undefined,
  always = false,
): void {
  if (value === undefined || (value.length === 0 && !always)) return;
  writer.uint32((field << 3) | wireBytes).bytes(value);
}

export function writeMessage(writer: Writer, field: number, write: (inner: Writer) => void): void {
  writer.uint32((field << 3) | wireBytes).fork();
  write(writer);
  writer.ldelim();
}

export function readUint(reader: Reader, what: string): number {
  const raw: unknown = reader.uint64();
  const value = typeof raw === 'number' ? raw : (raw as { toNumber(): number }).toNumber();
  if (!Number.isSafeInteger(value) || value < 0) throw new CodecError(`${what} is not a safe integer`);
  return value;
}

export function readInt(reader: Reader, what: string): number {
  const raw: unknown = reader.int64();
  const value = typeof raw === 'number' ? raw : (raw as { toNumber(): number }).toNumber();
  if (!Number.isSafeInteger(value)) throw new CodecError(`${what} is not a safe integer`);
  return value;
}

/**
 * Reads the fields of one message up to `length` bytes (the rest of the input when
 * omitted), calling `onField` with each field number; it returns false for a field it
 * does not know, which is then skipped.
 */
export function readFields(
  reader: Reader,
  length: number | undefined,
  onField: (field: number, wire: number) => boolean,
): void {
  const end = length === undefined ? reader.len : reader.pos + length;
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (!onField(tag >>> 3, tag & 7)) reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new CodecError('message overruns its length');
}

/** Runs a decoder, turning protobufjs range errors into CodecError. */
export function decodeWith<T>(bytes: Uint8Array, what: string, decode: (reader: Reader) => T): T {
  try {
    return decode(protobuf.Reader.create(bytes));
  } catch (error) {
    if (error instanceof CodecError) throw error;
    throw new CodecError(`${what}: ${(error as Error).message}`);
  }
}

/** Reads a bytes field as a plain Uint8Array (protobufjs gives a Buffer under Node). */
export function readBytes(reader: Reader): Uint8Array {
  const raw = reader.bytes();
  return new Uint8Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}
