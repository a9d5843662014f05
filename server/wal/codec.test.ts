// Round-trip properties for every codec the WAL and snapshot files use: Raft entries,
// hard states and snapshots, WAL records through their frames and CRC chain, and
// snapshot files. Also checks that any single flipped bit in a frame is detected.

import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import {
  decodeEntry,
  decodeHardState,
  decodeSnapshot,
  encodeEntry,
  encodeHardState,
  encodeSnapshot,
} from '../codec/index.js';
import type { Entry, HardState, Snapshot } from '../raft/types.js';
import { decodeSnapshotFile, encodeSnapshotFile } from '../snapshot/snapshot-file.js';
import { decodeSegmentBytes } from './frame-decoder.js';
import { FrameEncoder } from './frame-encoder.js';
import type { WalRecord } from './record.js';
import { formatSegmentName, parseSegmentName } from './segment-name.js';

const runs = Number(process.env.CODEC_RUNS ?? 200);
const settings = { seed: 424242, numRuns: runs };

const uint = fc.maxSafeNat();
const bytes = fc.uint8Array({ maxLength: 300 });
const arbitraryEntry: fc.Arbitrary<Entry> = fc.record({
  term: uint,
  index: uint,
  type: fc.constantFrom('normal' as const, 'confChange' as const),
  data: bytes,
});
const arbitraryHardState: fc.Arbitrary<HardState> = fc.record({ term: uint, vote: uint, commit: uint });
const confState = fc.record({
  voters: fc.array(uint, { maxLength: 5 }),
  learners: fc.array(uint, { maxLength: 3 }),
});
const arbitrarySnapshot: fc.Arbitrary<Snapshot> = fc.record({
  metadata: fc.record({ index: uint, term: uint, confState }),
  data: bytes,
});
const arbitraryRecord: fc.Arbitrary<WalRecord> = fc.oneof(
  fc.record({
    type: fc.constant('metadata' as const),
    metadata: fc.record({ nodeId: uint, clusterId: uint }),
  }),
  fc.record({ type: fc.constant('entries' as const), entries: fc.array(arbitraryEntry, { maxLength: 5 }) }),
  fc.record({ type: fc.constant('hardState' as const), hardState: arbitraryHardState }),
  fc.record({
    type: fc.constant('snapshot' as const),
    marker: fc.record({ index: uint, term: uint, confState, logReset: fc.boolean() }),
  }),
);

function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? [...v] : v)));
}

test.prop([arbitraryEntry], settings)('decodeEntry() inverts encodeEntry()', (entry) => {
  expect(plain(decodeEntry(encodeEntry(entry)))).toEqual(plain(entry));
});

test.prop([arbitraryHardState], settings)('decodeHardState() inverts encodeHardState()', (hardState) => {
  expect(decodeHardState(encodeHardState(hardState))).toEqual(hardState);
});

test.prop([arbitrarySnapshot], settings)('decodeSnapshot() inverts encodeSnapshot()', (snapshot) => {
  expect(plain(decodeSnapshot(encodeSnapshot(snapshot)))).toEqual(plain(snapshot));
});

test.prop([arbitrarySnapshot], settings)('decodeSnapshotFile() inverts encodeSnapshotFile()', (snapshot) => {
  const decoded = decodeSnapshotFile(encodeSnapshotFile(snapshot));
  expect(decoded.type).toBe('ok');
  if (decoded.type === 'ok') expect(plain(decoded.snapshot)).toEqual(plain(snapshot));
});

function encodeSegment(records: readonly WalRecord[], previousCrc: number): Uint8Array {
  const encoder = new FrameEncoder(previousCrc);
  encoder.add({ type: 'crc', previousCrc });
  for (const record of records) encoder.add(record);
  return encoder.take();
}

test.prop([fc.array(arbitraryRecord, { maxLength: 20 }), fc.nat({ max: 0xffffffff })], settings)(
  'decodeSegmentBytes() reads back every record FrameEncoder wrote',
  (records, previousCrc) => {
    const decoded = decodeSegmentBytes(encodeSegment(records, previousCrc), { recordBytesMax: 1 << 20 });
    expect(decoded.stop).toBeUndefined();
    expect(plain(decoded.records.map((read) => read.record))).toEqual(
      plain([{ type: 'crc', previousCrc }, ...records]),
    );
  },
);

test.prop(
  [fc.array(arbitraryRecord, { minLength: 1, maxLength: 8 }), fc.nat(), fc.nat({ max: 7 })],
  settings,
)('decodeSegmentBytes() stops at any single flipped bit', (records, position, bit) => {
  const bytes = encodeSegment(records, 0);
  const offset = position % bytes.length;
  bytes[offset]! ^= 1 << bit;
  const decoded = decodeSegmentBytes(bytes, { recordBytesMax: 1 << 20 });
  expect(decoded.stop).toBeDefined();
  expect(decoded.validBytes).toBeLessThanOrEqual(offset);
});

test.prop([fc.maxSafeNat(), fc.maxSafeNat()], settings)(
  'parseSegmentName() inverts formatSegmentName()',
  (sequence, firstIndex) => {
    expect(parseSegmentName(formatSegmentName({ sequence, firstIndex }))).toEqual({ sequence, firstIndex });
  },
);
