// Reads the frames of one WAL segment back and checks them: header check, length,
// CRC chain and record decoding. It reports where and why it stopped; whether a stop
// is a torn tail to repair or corruption to refuse is the caller's decision, because
// only the caller knows whether this is the last segment.

import { crc32c } from '@node-rs/crc32';
import { CodecError, fieldTag, newReader, WIRE_BYTES, WIRE_VARINT } from '../codec/index.js';
import {
  decodeRecordData,
  encodeCrcField,
  FRAME_HEADER_BYTES,
  type ReadRecord,
  RecordType,
} from './record.js';

export type FrameStop =
  | { readonly kind: 'partial'; readonly offset: number; readonly detail: string }
  | {
      readonly kind: 'badHeader';
      readonly offset: number;
      readonly expectedCrc: number;
      readonly actualCrc: number;
    }
  | {
      readonly kind: 'crcMismatch';
      readonly offset: number;
      readonly expectedCrc: number;
      readonly actualCrc: number;
    }
  | { readonly kind: 'badRecord'; readonly offset: number; readonly detail: string };

export interface DecodedSegment {
  readonly records: ReadRecord[];
  /** Bytes from the start of the file up to the end of the last good frame. */
  readonly validBytes: number;
  /** The chain value after the last good record (the seed for the next one). */
  readonly lastCrc: number;
  /** Why decoding stopped before the end of the bytes, if it did. */
  readonly stop?: FrameStop;
  /** True when the frame that stopped decoding ends exactly at (or runs past) the end of the bytes. */
  readonly stopAtEnd: boolean;
}

export function decodeSegmentBytes(bytes: Uint8Array, options: { recordBytesMax: number }): DecodedSegment {
  const records: ReadRecord[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let chain = 0;
  const finish = (stop: FrameStop | undefined, stopAtEnd: boolean): DecodedSegment => ({
    records,
    validBytes: offset,
    lastCrc: chain,
    ...(stop === undefined ? {} : { stop }),
    stopAtEnd,
  });
  while (offset < bytes.length) {
    if (bytes.length - offset < FRAME_HEADER_BYTES) {
      return finish({ kind: 'partial', offset, detail: 'frame header cut short' }, true);
    }
    const payloadBytes = view.getUint32(offset, true);
    const storedCheck = view.getUint32(offset + 4, true);
    const actualCheck = crc32c(bytes.subarray(offset, offset + 4));
    if (storedCheck !== actualCheck) {
      return finish({ kind: 'badHeader', offset, expectedCrc: storedCheck, actualCrc: actualCheck }, false);
    }
    const end = offset + FRAME_HEADER_BYTES + payloadBytes;
    if (payloadBytes > options.recordBytesMax) {
      return finish(
        { kind: 'badRecord', offset, detail: `record of ${payloadBytes} bytes is over the limit` },
        false,
      );
    }
    if (end > bytes.length) {
      return finish(
        { kind: 'partial', offset, detail: `record needs ${end - bytes.length} more bytes` },
        true,
      );
    }
    const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, end);
    const parsed = parsePayload(payload);
    if (parsed.type === 'error')
      return finish({ kind: 'badRecord', offset, detail: parsed.detail }, end === bytes.length);
    const isFirst = records.length === 0;
    if (isFirst !== (parsed.typeNumber === RecordType.crc)) {
      const detail = isFirst
        ? 'segment does not start with a crc record'
        : 'crc record in the middle of a segment';
      return finish({ kind: 'badRecord', offset, detail }, end === bytes.length);
    }
    const seed = isFirst ? crcRecordSeed(parsed.data) : chain;
    const actualCrc = crc32c(payload.subarray(0, parsed.coveredBytes), seed);
    if (actualCrc !== parsed.crc) {
      return finish(
        { kind: 'crcMismatch', offset, expectedCrc: parsed.crc, actualCrc },
        end === bytes.length,
      );
    }
    try {
      const record = decodeRecordData(parsed.typeNumber, parsed.data);
      records.push({ record, offset, frameBytes: end - offset, crc: actualCrc });
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      return finish({ kind: 'badRecord', offset, detail: error.message }, end === bytes.length);
    }
    chain = actualCrc;
    offset = end;
  }
  return finish(undefined, false);
}

function crcRecordSeed(data: Uint8Array): number {
  return data.length === 4 ? new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) : 0;
}

type ParsedPayload =
  | {
      readonly type: 'ok';
      readonly typeNumber: number;
      readonly data: Uint8Array;
      readonly crc: number;
      readonly coveredBytes: number;
    }
  | { readonly type: 'error'; readonly detail: string };

/** Splits a walpb.Record into its fields; the crc field must come last. */
function parsePayload(payload: Uint8Array): ParsedPayload {
  const reader = newReader(payload);
  let typeNumber = -1;
  let data: Uint8Array = new Uint8Array(0);
  try {
    while (reader.pos < reader.len) {
      const fieldStart = reader.pos;
      const tag = reader.uint32();
      if (tag === fieldTag(1, WIRE_VARINT)) typeNumber = reader.uint32();
      else if (tag === fieldTag(3, WIRE_BYTES)) data = reader.bytes();
      else if (tag === fieldTag(2, WIRE_VARINT)) {
        const crc = reader.uint32() >>> 0;
        if (reader.pos !== reader.len) return { type: 'error', detail: 'fields after the crc field' };
        // The crc field is outside what the crc covers, so it must be in its one
        // canonical encoding: otherwise a flipped bit in an ignored varint bit would pass.
        if (!sameBytes(payload.subarray(fieldStart), encodeCrcField(crc))) {
          return { type: 'error', detail: 'crc field is not canonically encoded' };
        }
        if (typeNumber < 0) return { type: 'error', detail: 'record has no type' };
        return { type: 'ok', typeNumber, data, crc, coveredBytes: fieldStart };
      } else return { type: 'error', detail: `unexpected field tag ${tag}` };
    }
  } catch (error) {
    return { type: 'error', detail: `malformed record: ${(error as Error).message}` };
  }
  return { type: 'error', detail: 'record has no crc field' };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
