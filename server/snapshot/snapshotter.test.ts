// Snapshotter on the simulated disk: newest first, pruning to snapshotFilesMax, corrupt
// files reported instead of trusted, and a crash mid-save leaving the old set intact.

import { describe, expect, test } from 'vitest';
import { SimDisk } from '../../sim/disk.js';
import { Xoshiro128 } from '../ports/random.js';
import { MemoryLogger, snapshot } from '../wal/test-support.js';
import { Snapshotter } from './snapshotter.js';

function snapshotter(disk: SimDisk, snapshotFilesMax = 2): Snapshotter {
  return new Snapshotter(disk, { dir: '/snap', logger: new MemoryLogger(), snapshotFilesMax });
}

describe('Snapshotter', () => {
  test('save() keeps the newest snapshotFilesMax files and files() lists them newest first', () => {
    const disk = new SimDisk();
    const snapshots = snapshotter(disk, 2);
    for (const index of [10, 20, 30]) {
      snapshots.save(snapshot(index, 1));
      snapshots.prune();
    }
    expect(snapshots.files().map((file) => file.index)).toEqual([30, 20]);
    const loaded = snapshots.load(snapshots.files()[0]!);
    expect(loaded.type).toBe('ok');
    if (loaded.type === 'ok') expect(new TextDecoder().decode(loaded.snapshot.data)).toBe('state@30');
  });

  test('load() reports a flipped bit as corrupt with the CRCs', () => {
    const disk = new SimDisk();
    const snapshots = snapshotter(disk);
    const file = snapshots.save(snapshot(5, 2));
    disk.flipBit(file.path, { offset: 20, bit: 2 });
    const loaded = snapshots.load(file);
    expect(loaded.type).toBe('corrupt');
    if (loaded.type === 'corrupt')
      expect(loaded.reason).toMatch(/CRC mismatch \(expected 0x[0-9a-f]{8}, actual/);
  });

  test('a crash before the directory sync of a save leaves the previous snapshots', () => {
    const disk = new SimDisk();
    const snapshots = snapshotter(disk);
    snapshots.save(snapshot(5, 1));
    // A save that wrote its temp file but crashed before rename + syncDir.
    const handle = disk.openAppend('/snap/0000000000000001-0000000000000009.snap.tmp', { create: true });
    handle.append(Uint8Array.of(1, 2, 3));
    handle.sync();
    disk.crash({ tearLastWrite: true, random: new Xoshiro128(4) });
    expect(
      snapshotter(disk)
        .files()
        .map((file) => file.index),
    ).toEqual([5]);
  });
});
