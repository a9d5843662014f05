// Behaviour of the WAL-backed RaftPersistence on the simulated disk: what a save makes
// durable, group commit, segment cutting and release, conflicting entries, torn tails,
// corruption refusal and snapshot fallback.

import { describe, expect, test } from 'vitest';
import { SimDisk } from '../../sim/disk.js';
import { Xoshiro128 } from '../ports/random.js';
import { entries, entry, MemoryLogger, snapshot } from './test-support.js';
import { WalCorruptionError } from './wal-errors.js';
import { RecoveryError, WalPersistence } from './wal-persistence.js';
import { listSegments } from './wal-reader.js';

const metadata = { nodeId: 1, clusterId: 7 };

function open(disk: SimDisk, logger = new MemoryLogger(), segmentBytes?: number): WalPersistence {
  return WalPersistence.open(disk, {
    dir: '/data',
    logger,
    metadata,
    ...(segmentBytes === undefined ? {} : { segmentBytes }),
  });
}

function crash(disk: SimDisk, tear = false): void {
  disk.crash({ tearLastWrite: tear, random: new Xoshiro128(1) });
}

describe('WalPersistence', () => {
  test('load() returns the synced entries and hard state after a crash', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    expect(persistence.load().entries).toEqual([]);
    persistence.save({ entries: entries(1, 3, 1), hardState: { term: 1, vote: 2, commit: 2 } }, true);
    persistence.save({ entries: entries(4, 5, 1), hardState: { term: 1, vote: 2, commit: 3 } }, false);
    crash(disk);
    const state = open(disk).load();
    expect(state.entries).toEqual(entries(1, 3, 1));
    expect(state.hardState).toEqual({ term: 1, vote: 2, commit: 2 });
  });

  test('save() writes a batch with one append and one fsync (group commit)', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    const before = { ...disk.stats };
    persistence.save({ entries: entries(1, 256, 1), hardState: { term: 1, vote: 1, commit: 0 } }, true);
    expect(disk.stats.appends - before.appends).toBe(1);
    expect(disk.stats.syncs - before.syncs).toBe(1);
  });

  test('save() replaces a conflicting tail and load() returns the new one', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    persistence.save({ entries: entries(1, 5, 1) }, true);
    persistence.save({ entries: [entry(3, 2, 'new3'), entry(4, 2, 'new4')] }, true);
    persistence.close();
    const loaded = open(disk).load().entries;
    expect(loaded.map((e) => [e.index, e.term])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
    ]);
  });

  test('save() cuts segments and saveSnapshot() releases those behind the fallback snapshot', () => {
    const disk = new SimDisk();
    const persistence = open(disk, new MemoryLogger(), 1024);
    for (let index = 1; index <= 200; index++) persistence.save({ entries: [entry(index, 1)] }, true);
    const cut = listSegments(disk, '/data/wal').length;
    expect(cut).toBeGreaterThan(5);
    persistence.saveSnapshot(snapshot(100, 1));
    expect(listSegments(disk, '/data/wal').length).toBe(cut);
    persistence.saveSnapshot(snapshot(180, 1));
    const remaining = listSegments(disk, '/data/wal');
    expect(remaining.length).toBeLessThan(cut);
    expect(remaining[1]!.firstIndex).toBeGreaterThan(100);
    persistence.close();
    const state = open(disk).load();
    expect(state.snapshot?.metadata.index).toBe(180);
    expect(state.entries.map((e) => e.index)).toEqual(entries(181, 200, 1).map((e) => e.index));
  });

  test('open() truncates a torn tail and logs how many bytes', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    for (const saved of entries(1, 3, 1)) persistence.save({ entries: [saved] }, true);
    persistence.close();
    const [segment] = listSegments(disk, '/data/wal');
    const fullBytes = disk.read(segment!.path).length;
    disk.truncate(segment!.path, fullBytes - 5);
    const logger = new MemoryLogger();
    const state = open(disk, logger).load();
    expect(state.entries).toEqual(entries(1, 2, 1));
    const line = logger.lines.find((text) => text.includes('torn tail'));
    expect(line).toMatch(/torn tail of \d+ bytes at offset \d+ .*truncated \d+ bytes/);
    expect(disk.read(segment!.path).length).toBeLessThan(fullBytes - 5);
  });

  test('open() refuses a bit flip in the middle of a segment, naming file, offset and CRCs', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    persistence.save({ entries: entries(1, 20, 1) }, true);
    persistence.close();
    const [segment] = listSegments(disk, '/data/wal');
    const size = disk.read(segment!.path).length;
    disk.flipBit(segment!.path, { offset: Math.floor(size / 2), bit: 3 });
    let error: unknown;
    try {
      open(disk);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(WalCorruptionError);
    const message = (error as Error).message;
    expect(message).toContain(segment!.path);
    expect(message).toMatch(/at offset \d+: .*expected 0x[0-9a-f]{8}, actual 0x[0-9a-f]{8}/);
    expect(message).toContain('refusing to start');
    expect(disk.read(segment!.path).length).toBe(size);
  });

  test('open() falls back to an older snapshot plus the WAL when the newest snapshot is corrupt', () => {
    const disk = new SimDisk();
    const logger = new MemoryLogger();
    const persistence = open(disk, logger, 512);
    for (let index = 1; index <= 60; index++) persistence.save({ entries: [entry(index, 1)] }, true);
    persistence.saveSnapshot(snapshot(20, 1));
    persistence.saveSnapshot(snapshot(40, 1));
    persistence.close();
    const newest = disk
      .list('/data/snap')
      .filter((name) => name.endsWith('.snap'))
      .at(-1)!;
    expect(newest).toContain('0000000000000028');
    disk.flipBit(`/data/snap/${newest}`, { offset: 10, bit: 0 });
    const state = open(disk, logger).load();
    expect(state.snapshot?.metadata.index).toBe(20);
    expect(state.entries.map((e) => e.index)).toEqual(entries(21, 60, 1).map((e) => e.index));
    expect(logger.lines.some((line) => line.includes('is corrupt') && line.includes(newest))).toBe(true);
  });

  test('open() stops with a clear error when no snapshot and WAL can be combined', () => {
    const disk = new SimDisk();
    const persistence = WalPersistence.open(disk, {
      dir: '/data',
      logger: new MemoryLogger(),
      metadata,
      segmentBytes: 512,
      snapshotFilesMax: 1,
    });
    for (let index = 1; index <= 60; index++) persistence.save({ entries: [entry(index, 1)] }, true);
    persistence.saveSnapshot(snapshot(40, 1));
    persistence.close();
    const [only] = disk.list('/data/snap');
    disk.flipBit(`/data/snap/${only}`, { offset: 12, bit: 1 });
    expect(() => open(disk)).toThrow(RecoveryError);
    expect(() => open(disk)).toThrow(/refusing to start.*corrupt.*beginning of the log/);
  });

  test('open() rejects a WAL that belongs to another node', () => {
    const disk = new SimDisk();
    open(disk).close();
    expect(() =>
      WalPersistence.open(disk, {
        dir: '/data',
        logger: new MemoryLogger(),
        metadata: { nodeId: 2, clusterId: 7 },
      }),
    ).toThrow(/'nodeId' = 2: the WAL belongs to node 1/);
  });

  test('save() with a received snapshot drops the stale tail above it', () => {
    const disk = new SimDisk();
    const persistence = open(disk);
    persistence.save({ entries: entries(1, 8, 1) }, true);
    persistence.save(
      { snapshot: snapshot(5, 2), entries: [entry(6, 2)], hardState: { term: 2, vote: 0, commit: 5 } },
      true,
    );
    persistence.close();
    const state = open(disk).load();
    expect(state.snapshot?.metadata.index).toBe(5);
    expect(state.entries.map((e) => [e.index, e.term])).toEqual([[6, 2]]);
    expect(state.hardState).toEqual({ term: 2, vote: 0, commit: 5 });
  });
});

describe('WalPersistence on a full disk', () => {
  test('save() throws ENOSPC, keeps failing, and a reopen recovers what was synced', () => {
    const disk = new SimDisk({ capacityBytes: 2000 });
    const persistence = open(disk);
    persistence.save({ entries: entries(1, 3, 1) }, true);
    const big = { index: 4, term: 1, type: 'normal' as const, data: new Uint8Array(3000) };
    expect(() => persistence.save({ entries: [big] }, true)).toThrow(/ENOSPC/);
    expect(() => persistence.save({ entries: [entry(4, 1)] }, true)).toThrow(/ENOSPC/);
    crash(disk);
    expect(open(disk).load().entries).toEqual(entries(1, 3, 1));
  });
});
