// RealDisk over a temp directory: appends and sizes, sorted listings, rename and
// truncate, and failures as DiskError naming the path.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DiskError } from './disk.js';
import { RealDisk } from './real-disk.js';

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-chaos-real-disk-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

test('RealDisk appends, syncs, lists sorted, renames and truncates', () => {
  const disk = new RealDisk();
  disk.mkdirp(path.join(dir, 'a/b'));
  const file = disk.openAppend(path.join(dir, 'a/b/z.log'), { create: true });
  file.append(Uint8Array.of(1, 2, 3));
  file.append(Uint8Array.of(4));
  file.sync();
  expect(file.size()).toBe(4);
  file.close();
  disk.openAppend(path.join(dir, 'a/b/y.log'), { create: true }).close();
  expect(disk.list(path.join(dir, 'a/b'))).toEqual(['y.log', 'z.log']);
  expect(disk.list(path.join(dir, 'missing'))).toEqual([]);
  disk.rename(path.join(dir, 'a/b/z.log'), path.join(dir, 'a/b/x.log'));
  disk.truncate(path.join(dir, 'a/b/x.log'), 2);
  expect([...disk.read(path.join(dir, 'a/b/x.log'))]).toEqual([1, 2]);
  disk.remove(path.join(dir, 'a/b/y.log'));
  expect(disk.exists(path.join(dir, 'a/b/y.log'))).toBe(false);
  const reopened = disk.openAppend(path.join(dir, 'a/b/x.log'), { create: false });
  expect(reopened.size()).toBe(2);
  reopened.close();
});

test('RealDisk reports a missing file as DiskError ENOENT with its path', () => {
  const disk = new RealDisk();
  const missing = path.join(dir, 'nope.log');
  expect(() => disk.read(missing)).toThrow(DiskError);
  expect(() => disk.openAppend(missing, { create: false })).toThrow(/ENOENT.*nope\.log/);
});
