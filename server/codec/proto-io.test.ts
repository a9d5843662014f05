// The shared protobuf helpers: a message written with them reads back the same, input
// cut short is a CodecError (never a protobufjs RangeError), integers past 2^53 are
// refused, and fields a reader does not know are skipped.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  CodecError,
  decodeWith,
  fieldTag,
  newWriter,
  type Reader,
  readBytes,
  readFields,
  readInt,
  readUint,
  skipField,
  subMessageEnd,
  WIRE_VARINT,
  writeBool,
  writeBytes,
  writeInt,
  writeMessage,
  writeUint,
} from './proto-io.js';

const runs = Number(process.env.CODEC_RUNS ?? 200);
const settings = { seed: 171717, numRuns: runs };

interface Sample {
  count: number;
  delta: number;
  flag: boolean;
  payload: Uint8Array;
  inner: number;
}

const sample = fc.record({
  count: fc.maxSafeNat(),
  delta: fc.maxSafeInteger(),
  flag: fc.boolean(),
  payload: fc.uint8Array({ maxLength: 64 }),
  inner: fc.maxSafeNat(),
});

/** Sample{count=1 uint64, delta=2 int64, flag=3 bool, payload=4 bytes, nested=5 {inner=1}}. */
function encodeSample(value: Sample): Uint8Array {
  const writer = newWriter();
  writeUint(writer, 1, value.count);
  writeInt(writer, 2, value.delta);
  writeBool(writer, 3, value.flag);
  writeBytes(writer, 4, value.payload);
  writeMessage(writer, 5, (inner) => writeUint(inner, 1, value.inner));
  return writer.finish();
}

function decodeSample(bytes: Uint8Array): Sample {
  return decodeWith(bytes, 'Sample', (reader) => {
    const value: Sample = { count: 0, delta: 0, flag: false, payload: new Uint8Array(0), inner: 0 };
    readFields(reader, undefined, (field) => {
      if (field === 1) value.count = readUint(reader, 'Sample.count');
      else if (field === 2) value.delta = readInt(reader, 'Sample.delta');
      else if (field === 3) value.flag = reader.bool();
      else if (field === 4) value.payload = readBytes(reader);
      else if (field === 5) value.inner = readNested(reader);
      else return false;
      return true;
    });
    return value;
  });
}

function readNested(reader: Reader): number {
  let inner = 0;
  const end = subMessageEnd(reader);
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === fieldTag(1, WIRE_VARINT)) inner = readUint(reader, 'Nested.inner');
    else skipField(reader, tag);
  }
  return inner;
}

describe('proto-io', () => {
  test.prop([sample], settings)('write*() then read*() gives back every field', (value) => {
    expect(decodeSample(encodeSample(value))).toEqual(value);
  });

  test.prop([sample], settings)('decodeWith() turns any cut-short input into a CodecError', (value) => {
    const bytes = encodeSample(value);
    for (let length = 1; length < bytes.length; length++) {
      try {
        decodeSample(bytes.subarray(0, length));
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    }
    // A length prefix that promises more than the input holds can never decode.
    const nested = newWriter();
    writeMessage(nested, 5, (inner) => writeUint(inner, 1, value.inner + 1));
    const full = nested.finish();
    expect(() => decodeSample(full.subarray(0, full.length - 1))).toThrow(CodecError);
  });

  test.prop([sample, fc.uint8Array({ maxLength: 16 }), fc.maxSafeNat()], settings)(
    'readFields() and skipField() skip fields the reader does not know',
    (value, unknownBytes, unknownNumber) => {
      const writer = newWriter();
      writeUint(writer, 9, unknownNumber);
      writeBytes(writer, 10, unknownBytes, true);
      writeUint(writer, 1, value.count);
      writeInt(writer, 2, value.delta);
      writeBool(writer, 3, value.flag);
      writeBytes(writer, 4, value.payload);
      writeMessage(writer, 5, (inner) => {
        writeUint(inner, 7, unknownNumber);
        writeUint(inner, 1, value.inner);
        writeBytes(inner, 8, unknownBytes, true);
      });
      writeUint(writer, 11, unknownNumber);
      const bytes = writer.finish();
      expect(decodeSample(bytes)).toEqual(value);
    },
  );

  test('readUint() refuses a varint past 2^53 with a CodecError naming the field', () => {
    const writer = newWriter();
    writer.uint32(fieldTag(1, WIRE_VARINT)).uint64('18446744073709551615');
    expect(() => decodeSample(writer.finish())).toThrow(/Sample\.count is not a safe integer/);
  });

  test('readInt() reads negative int64 values back', () => {
    expect(
      decodeSample(encodeSample({ count: 0, delta: -5, flag: false, payload: new Uint8Array(0), inner: 0 }))
        .delta,
    ).toBe(-5);
  });

  test('skipField() reports an unknown wire type as a CodecError', () => {
    // Field 1 with wire type 7, which protobuf does not define.
    expect(() =>
      decodeWith(new Uint8Array([0x0f, 0x00]), 'Nested', (reader) => skipField(reader, reader.uint32())),
    ).toThrow(CodecError);
  });

  test('readBytes() returns a copy that does not alias the input', () => {
    const writer = newWriter();
    writeBytes(writer, 4, new Uint8Array([1, 2, 3]));
    const input = writer.finish();
    const payload = decodeSample(input).payload;
    input.fill(0);
    expect([...payload]).toEqual([1, 2, 3]);
  });
});
