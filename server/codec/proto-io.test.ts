// The shared protobuf helpers: a message written with them reads back the same, input
// cut short is a CodecError (never a protobufjs RangeError), integers past 2^53 are
// refused, integers are the exact bytes protobufjs writes (the readers' and writers' fast
// paths included), and fields a reader does not know are skipped.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import * as proto from './proto-io.js';

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
  const writer = proto.newWriter();
  proto.writeUint(writer, 1, value.count);
  proto.writeInt(writer, 2, value.delta);
  proto.writeBool(writer, 3, value.flag);
  proto.writeBytes(writer, 4, value.payload);
  proto.writeMessage(writer, 5, (inner) => proto.writeUint(inner, 1, value.inner));
  return writer.finish();
}

function decodeSample(bytes: Uint8Array): Sample {
  return proto.decodeWith(bytes, 'Sample', (reader) => {
    const value: Sample = { count: 0, delta: 0, flag: false, payload: new Uint8Array(0), inner: 0 };
    proto.readFields(reader, undefined, (field) => {
      if (field === 1) value.count = proto.readUint(reader, 'Sample.count');
      else if (field === 2) value.delta = proto.readInt(reader, 'Sample.delta');
      else if (field === 3) value.flag = reader.bool();
      else if (field === 4) value.payload = proto.readBytes(reader);
      else if (field === 5) value.inner = readNested(reader);
      else return false;
      return true;
    });
    return value;
  });
}

function readNested(reader: proto.Reader): number {
  let inner = 0;
  proto.readTags(reader, proto.subMessageEnd(reader), (tag) => {
    if (tag !== proto.fieldTag(1, proto.WIRE_VARINT)) return false;
    inner = proto.readUint(reader, 'Nested.inner');
    return true;
  });
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
        expect(error).toBeInstanceOf(proto.CodecError);
      }
    }
    // A length prefix that promises more than the input holds can never decode.
    const nested = proto.newWriter();
    proto.writeMessage(nested, 5, (inner) => proto.writeUint(inner, 1, value.inner + 1));
    const full = nested.finish();
    expect(() => decodeSample(full.subarray(0, full.length - 1))).toThrow(proto.CodecError);
  });

  test.prop([sample, fc.uint8Array({ maxLength: 16 }), fc.maxSafeNat()], settings)(
    'readFields() and readTags() skip fields the reader does not know',
    (value, unknownBytes, unknownNumber) => {
      const writer = proto.newWriter();
      proto.writeUint(writer, 9, unknownNumber);
      proto.writeBytes(writer, 10, unknownBytes, true);
      proto.writeUint(writer, 1, value.count);
      proto.writeInt(writer, 2, value.delta);
      proto.writeBool(writer, 3, value.flag);
      proto.writeBytes(writer, 4, value.payload);
      proto.writeMessage(writer, 5, (inner) => {
        proto.writeUint(inner, 7, unknownNumber);
        proto.writeUint(inner, 1, value.inner);
        proto.writeBytes(inner, 8, unknownBytes, true);
      });
      proto.writeUint(writer, 11, unknownNumber);
      const bytes = writer.finish();
      expect(decodeSample(bytes)).toEqual(value);
    },
  );

  test.prop(
    [
      fc.oneof(
        fc.maxSafeInteger(),
        fc.constantFrom(
          1,
          127,
          128,
          2 ** 32 - 1,
          2 ** 32,
          2 ** 49 - 1,
          2 ** 49,
          2 ** 53 - 1,
          -1,
          -(2 ** 53 - 1),
        ),
      ),
    ],
    settings,
  )(
    'writeUint()/writeInt() write the bytes protobufjs writes and readUint()/readInt() read them back',
    (value) => {
      const ours = proto.newWriter();
      const theirs = proto.newWriter();
      proto.writeInt(ours, 2, value);
      if (value !== 0) theirs.uint32(proto.fieldTag(2, proto.WIRE_VARINT)).int64(value);
      if (value > 0) {
        proto.writeUint(ours, 1, value);
        theirs.uint32(proto.fieldTag(1, proto.WIRE_VARINT)).uint64(value);
      }
      const bytes = ours.finish();
      expect(bytes).toEqual(theirs.finish());
      const decoded = decodeSample(bytes);
      expect([decoded.delta, decoded.count]).toEqual([value, Math.max(value, 0)]);
    },
  );

  test('readUint() refuses a varint past 2^53 with a CodecError naming the field', () => {
    const writer = proto.newWriter();
    writer.uint32(proto.fieldTag(1, proto.WIRE_VARINT)).uint64('18446744073709551615');
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
      proto.decodeWith(new Uint8Array([0x0f, 0x00]), 'Nested', (reader) =>
        proto.skipField(reader, reader.uint32()),
      ),
    ).toThrow(proto.CodecError);
  });

  test('readBytes() returns a copy that does not alias the input', () => {
    const writer = proto.newWriter();
    proto.writeBytes(writer, 4, new Uint8Array([1, 2, 3]));
    const input = writer.finish();
    const payload = decodeSample(input).payload;
    input.fill(0);
    expect([...payload]).toEqual([1, 2, 3]);
  });
});
