// The bytes of one snapshot file: etcd's snappb.Snapshot {crc=1, data=2}, where data is
// the encoded raftpb.Snapshot (state machine data plus Raft metadata) and crc is its
// crc32c. A file that does not decode or whose CRC differs is reported, not trusted.

import { crc32c } from '@node-rs/crc32';
import {
  CodecError,
  decodeSnapshot,
  decodeWith,
  encodeSnapshot,
  fieldTag,
  newWriter,
  readTags,
  WIRE_BYTES,
  WIRE_VARINT,
} from '../codec/index.js';
import type { Snapshot } from '../raft/types.js';
import { hex8 } from '../wal/segment-name.js';

export function encodeSnapshotFile(snapshot: Snapshot): Uint8Array {
  const data = encodeSnapshot(snapshot);
  const writer = newWriter();
  writer.uint32(fieldTag(1, WIRE_VARINT)).uint32(crc32c(data));
  writer.uint32(fieldTag(2, WIRE_BYTES)).bytes(data);
  return writer.finish();
}

export type DecodedSnapshotFile =
  | { readonly type: 'ok'; readonly snapshot: Snapshot }
  | { readonly type: 'corrupt'; readonly reason: string };

export function decodeSnapshotFile(bytes: Uint8Array): DecodedSnapshotFile {
  try {
    const { crc, data } = decodeWith(bytes, 'snapshot file', (reader) => {
      let crc: number | undefined;
      let data: Uint8Array | undefined;
      readTags(reader, reader.len, (tag) => {
        if (tag === fieldTag(1, WIRE_VARINT)) crc = reader.uint32() >>> 0;
        else if (tag === fieldTag(2, WIRE_BYTES)) data = reader.bytes();
        else return false;
        return true;
      });
      return { crc, data };
    });
    if (crc === undefined || data === undefined)
      return { type: 'corrupt', reason: 'missing crc or data field' };
    const actual = crc32c(data);
    if (actual !== crc) {
      return { type: 'corrupt', reason: `CRC mismatch (expected ${hex8(crc)}, actual ${hex8(actual)})` };
    }
    return { type: 'ok', snapshot: decodeSnapshot(data) };
  } catch (error) {
    if (error instanceof CodecError) return { type: 'corrupt', reason: error.message };
    throw error;
  }
}
