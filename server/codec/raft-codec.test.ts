// The Raft vocabulary codec, pinned to exact bytes: a change to a field number or to
// which zero values are written shows here as a diff of hex, not only as a round trip
// that still agrees with itself. (Round-trip properties live in server/wal/codec.test.ts.)

import { describe, expect, test } from 'vitest';
import type { Snapshot } from '../raft/types.js';
import { CodecError, newWriter, writeBytes, writeUint } from './proto-io.js';
import * as raftCodec from './raft-codec.js';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

const snapshot: Snapshot = {
  data: new Uint8Array([9]),
  metadata: { index: 4, term: 2, confState: { voters: [1, 2], learners: [3] } },
};

describe('raft-codec', () => {
  test('encodeEntry() writes Type=1, Term=2, Index=3, Data=4 in that order', () => {
    const entry = { term: 5, index: 7, type: 'confChange' as const, data: new Uint8Array([1, 2]) };
    expect(hex(raftCodec.encodeEntry(entry))).toBe('08011005180722020102');
    // Zero type, term and index are still written; empty data is left out.
    expect(hex(raftCodec.encodeEntry({ term: 0, index: 0, type: 'normal', data: new Uint8Array(0) }))).toBe(
      '080010001800',
    );
  });

  test('encodeHardState() writes term=1, vote=2, commit=3', () => {
    expect(hex(raftCodec.encodeHardState({ term: 3, vote: 2, commit: 1 }))).toBe('080310021801');
  });

  test('encodeSnapshot() nests ConfState inside SnapshotMetadata inside Snapshot', () => {
    expect(hex(raftCodec.encodeSnapshot(snapshot))).toBe(
      '0a0109' + '120c' + '0a06080108021003' + '1004' + '1802',
    );
    expect(raftCodec.decodeSnapshot(raftCodec.encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  test('decodeHardState() skips fields it does not know', () => {
    const writer = newWriter();
    writeUint(writer, 9, 77);
    writeUint(writer, 1, 3);
    writeBytes(writer, 10, new Uint8Array([1, 2, 3]));
    writeUint(writer, 3, 1);
    expect(raftCodec.decodeHardState(writer.finish())).toEqual({ term: 3, vote: 0, commit: 1 });
  });

  test('decodeEntry() refuses an unknown entry type and cut-short input with a CodecError', () => {
    expect(() => raftCodec.decodeEntry(new Uint8Array([0x08, 0x05]))).toThrow(CodecError);
    expect(() => raftCodec.decodeEntry(new Uint8Array([0x22, 0x05, 0x01]))).toThrow(CodecError);
    expect(() => raftCodec.decodeSnapshot(new Uint8Array([0x12, 0x04, 0x0a, 0x09]))).toThrow(CodecError);
  });
});
