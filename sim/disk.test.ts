// The simulated disk's crash semantics: unsynced bytes lost, torn tails, directory
// entries durable only after syncDir, bit flips, ENOSPC, fsync faults (stalls, a failed
// write or fsync that keeps only what was synced) and determinism.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DiskError } from '../server/ports/disk.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { SimDisk } from './disk.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function fileWith(disk: SimDisk, path: string, synced: Uint8Array, unsynced: Uint8Array): void {
  disk.mkdirp('/d');
  const handle = disk.openAppend(path, { create: true });
  handle.append(synced);
  handle.sync();
  disk.syncDir('/d');
  handle.append(unsynced);
}

describe('SimDisk', () => {
  test('crash() loses unsynced bytes and keeps synced ones', () => {
    const disk = new SimDisk();
    fileWith(disk, '/d/f', bytes(1, 2, 3), bytes(4, 5));
    expect(disk.read('/d/f')).toEqual(bytes(1, 2, 3, 4, 5));
    disk.crash({ tearLastWrite: false, random: new Xoshiro128(1) });
    expect(disk.read('/d/f')).toEqual(bytes(1, 2, 3));
  });

  test.prop([fc.nat(), fc.integer({ min: 1, max: 50 })], { seed: 7, numRuns: 100 })(
    'crash() with tearLastWrite keeps a prefix of the unsynced bytes',
    (seed, unsyncedLength) => {
      const disk = new SimDisk();
      const unsynced = Uint8Array.from({ length: unsyncedLength }, (_, i) => i + 10);
      fileWith(disk, '/d/f', bytes(1, 2), unsynced);
      disk.crash({ tearLastWrite: true, random: new Xoshiro128(seed) });
      const after = disk.read('/d/f');
      expect(after.length).toBeGreaterThanOrEqual(2);
      expect(after).toEqual(bytes(1, 2, ...unsynced).subarray(0, after.length));
    },
  );

  test('crash() undoes creations, renames and removals not followed by syncDir', () => {
    const disk = new SimDisk();
    fileWith(disk, '/d/a', bytes(1), bytes());
    disk.openAppend('/d/new', { create: true }).sync();
    disk.rename('/d/a', '/d/b');
    disk.crash({ tearLastWrite: false, random: new Xoshiro128(1) });
    expect(disk.list('/d')).toEqual(['a']);
    disk.rename('/d/a', '/d/b');
    disk.syncDir('/d');
    disk.remove('/d/b');
    disk.crash({ tearLastWrite: false, random: new Xoshiro128(1) });
    expect(disk.list('/d')).toEqual(['b']);
    expect(disk.read('/d/b')).toEqual(bytes(1));
  });

  test('a handle opened before crash() fails with EIO', () => {
    const disk = new SimDisk();
    disk.mkdirp('/d');
    const handle = disk.openAppend('/d/f', { create: true });
    disk.crash({ tearLastWrite: false, random: new Xoshiro128(1) });
    expect(() => handle.append(bytes(1))).toThrow(DiskError);
  });

  test('flipBit() changes exactly one bit', () => {
    const disk = new SimDisk();
    fileWith(disk, '/d/f', bytes(0, 0, 0), bytes());
    disk.flipBit('/d/f', { offset: 1, bit: 6 });
    expect(disk.read('/d/f')).toEqual(bytes(0, 64, 0));
  });

  test('append() past the capacity fails with ENOSPC and writes nothing', () => {
    const disk = new SimDisk({ capacityBytes: 4 });
    disk.mkdirp('/d');
    const handle = disk.openAppend('/d/f', { create: true });
    handle.append(bytes(1, 2, 3));
    expect(() => handle.append(bytes(4, 5))).toThrow(/ENOSPC/);
    expect(disk.read('/d/f')).toEqual(bytes(1, 2, 3));
  });

  test('truncate() is durable and openAppend() without create fails on a missing file', () => {
    const disk = new SimDisk();
    fileWith(disk, '/d/f', bytes(1, 2, 3, 4), bytes());
    disk.truncate('/d/f', 2);
    disk.crash({ tearLastWrite: true, random: new Xoshiro128(3) });
    expect(disk.read('/d/f')).toEqual(bytes(1, 2));
    expect(() => disk.openAppend('/d/missing', { create: false })).toThrow(/ENOENT/);
  });

  test('crash() with the same seed gives the same disk', () => {
    const run = (): Uint8Array => {
      const disk = new SimDisk();
      fileWith(
        disk,
        '/d/f',
        bytes(1),
        Uint8Array.from({ length: 100 }, (_, i) => i),
      );
      disk.crash({ tearLastWrite: true, random: new Xoshiro128(99) });
      return disk.read('/d/f');
    };
    expect(run()).toEqual(run());
  });

  test('`setFault()` slow-fsync reports a stall on every sync until cleared', () => {
    const disk = new SimDisk();
    const stalls: number[] = [];
    disk.onStall = (stallMs) => stalls.push(stallMs);
    disk.setFault({ type: 'slow-fsync', latencyMs: 40 }, new Xoshiro128(1));
    fileWith(disk, '/d/f', bytes(1), bytes(2));
    disk.openAppend('/d/f', { create: false }).sync();
    expect(stalls).toEqual([40, 40]);
    disk.setFault(undefined, new Xoshiro128(1));
    disk.openAppend('/d/f', { create: false }).sync();
    expect(stalls).toEqual([40, 40]);
    expect(disk.stats.stalls).toBe(2);
  });

  test('`setFault()` fsync-spikes stalls some syncs for at most latencyMsMax', () => {
    const disk = new SimDisk();
    const stalls: number[] = [];
    disk.onStall = (stallMs) => stalls.push(stallMs);
    disk.setFault({ type: 'fsync-spikes', latencyMsMax: 500, perMille: 200 }, new Xoshiro128(3));
    disk.mkdirp('/d');
    const handle = disk.openAppend('/d/f', { create: true });
    for (let i = 0; i < 200; i++) handle.sync();
    expect(stalls.length).toBeGreaterThan(10);
    expect(stalls.length).toBeLessThan(100);
    expect(stalls.every((stallMs) => stallMs >= 1 && stallMs <= 500)).toBe(true);
  });

  test('`setFault()` fail-fsync fails the next sync, every one after it, and the crash keeps only synced bytes', () => {
    const disk = new SimDisk();
    let failures = 0;
    disk.onFail = () => failures++;
    fileWith(disk, '/d/f', bytes(1, 2), bytes(3));
    disk.setFault({ type: 'fail-fsync' }, new Xoshiro128(1));
    const handle = disk.openAppend('/d/f', { create: false });
    expect(() => handle.sync()).toThrow(DiskError);
    expect(disk.hasFailed).toBe(true);
    expect(() => handle.sync()).toThrow('after a failed fsync');
    expect(failures).toBe(1);
    disk.crash({ tearLastWrite: false, random: new Xoshiro128(1) });
    expect(disk.hasFailed).toBe(false);
    expect(disk.read('/d/f')).toEqual(bytes(1, 2));
    const reopened = disk.openAppend('/d/f', { create: false });
    reopened.append(bytes(9));
    reopened.sync();
    expect(disk.syncedBytes('/d/f')).toBe(3);
  });

  test('`setFault()` fail-fsync fails a write that comes first and writes nothing', () => {
    const disk = new SimDisk();
    fileWith(disk, '/d/f', bytes(1), bytes());
    disk.setFault({ type: 'fail-fsync' }, new Xoshiro128(1));
    const handle = disk.openAppend('/d/f', { create: false });
    expect(() => handle.append(bytes(2))).toThrow('write failed (disk fault)');
    expect(disk.read('/d/f')).toEqual(bytes(1));
    expect(disk.stats.failedSyncs).toBe(1);
  });
});
