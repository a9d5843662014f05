// The simulated disk: an in-memory Disk whose crashes behave like a real machine's.
//
// Each file (an "inode") keeps the bytes written and how many of them are synced; each
// directory entry (name -> inode) is durable only after syncDir. crash() rebuilds what
// survives: for every durable name its inode's synced bytes, plus — when tearing is on —
// a random-length prefix of the bytes written after the last sync (a write in flight
// that reached the platter in part). Creations, renames and removals not followed by
// syncDir are undone. flipBit() corrupts a byte on demand; a capacity makes appends
// fail with ENOSPC. A disk fault (setFault) makes fsyncs slow — each one reports a stall
// to `onStall`, which the cluster turns into virtual time the member spends blocked —
// or makes the next fsync fail with EIO. All randomness comes from the Random passed to
// crash() and setFault().
//
// Directories themselves are durable as soon as mkdirp returns (a simplification: the
// WAL creates its directories once, before anything else).

import { assert } from '../server/assert.js';
import { requirePositiveInteger } from '../server/config-error.js';
import { type Disk, DiskError, type FileHandle } from '../server/ports/disk.js';
import type { Random } from '../server/ports/random.js';

interface Inode {
  bytes: Uint8Array;
  length: number;
  syncedLength: number;
}

export interface SimDiskOptions {
  /** Total bytes all files may hold; appends beyond fail with ENOSPC. Default: unlimited. */
  readonly capacityBytes?: number;
}

export interface CrashOptions {
  /** Keep a random-length prefix of each file's unsynced bytes (a torn write). */
  readonly tearLastWrite: boolean;
  readonly random: Random;
}

/** A fault on fsync (the nemesis's DiskFault, in the disk's own terms). */
export type SimDiskFault =
  | { readonly type: 'slow-fsync'; readonly latencyMs: number }
  | { readonly type: 'fsync-spikes'; readonly latencyMsMax: number; readonly perMille: number }
  | { readonly type: 'fail-fsync' };

export class SimDisk implements Disk {
  private readonly directories = new Set<string>(['/']);
  /** What each path names now (the page cache's view). */
  private names = new Map<string, Inode>();
  /** What each path names on the platter (as of the last syncDir of its directory). */
  private durableNames = new Map<string, Inode>();
  private generation = 0;
  private readonly capacityBytes: number;
  /** Counters for tests and the simulator's statistics. */
  readonly stats = { appends: 0, syncs: 0, dirSyncs: 0, crashes: 0, failedSyncs: 0, stalls: 0 };
  private fault: { fault: SimDiskFault; random: Random } | undefined;
  private failed = false;
  /** Told how long each slow fsync blocks the caller (virtual ms). */
  onStall: ((stallMs: number) => void) | undefined;
  /** Told when an fsync fails (the member must stop). */
  onFail: (() => void) | undefined;

  constructor(options: SimDiskOptions = {}) {
    this.capacityBytes = options.capacityBytes ?? Number.MAX_SAFE_INTEGER;
    requirePositiveInteger('capacityBytes', this.capacityBytes);
  }

  mkdirp(dir: string): void {
    let path = normalize(dir);
    while (path !== '/' && !this.directories.has(path)) {
      if (this.names.has(path)) throw new DiskError('ENOTDIR', path, 'a file is in the way');
      this.directories.add(path);
      path = parentOf(path);
    }
  }

  list(dir: string): string[] {
    const prefix = normalize(dir) === '/' ? '/' : `${normalize(dir)}/`;
    const names: string[] = [];
    for (const path of [...this.names.keys(), ...this.directories]) {
      if (path.startsWith(prefix) && path !== prefix && !path.slice(prefix.length).includes('/')) {
        names.push(path.slice(prefix.length));
      }
    }
    return names.sort();
  }

  exists(path: string): boolean {
    const normalized = normalize(path);
    return this.names.has(normalized) || this.directories.has(normalized);
  }

  openAppend(path: string, options: { create: boolean }): FileHandle {
    const normalized = normalize(path);
    let inode = this.names.get(normalized);
    if (inode === undefined) {
      if (!options.create) throw new DiskError('ENOENT', normalized, 'no such file');
      if (!this.directories.has(parentOf(normalized)))
        throw new DiskError('ENOENT', normalized, 'no such directory');
      inode = { bytes: new Uint8Array(64), length: 0, syncedLength: 0 };
      this.names.set(normalized, inode);
    }
    return new SimFileHandle(this, { path: normalized, inode, generation: this.generation });
  }

  read(path: string): Uint8Array {
    const inode = this.inodeAt(path);
    return inode.bytes.slice(0, inode.length);
  }

  rename(from: string, to: string): void {
    const inode = this.inodeAt(from);
    this.names.delete(normalize(from));
    this.names.set(normalize(to), inode);
  }

  truncate(path: string, size: number): void {
    const inode = this.inodeAt(path);
    assert(
      size >= 0 && size <= inode.length,
      () => `truncate ${path} to ${size} past its ${inode.length} bytes`,
    );
    inode.length = size;
    inode.syncedLength = Math.min(inode.syncedLength, size);
  }

  remove(path: string): void {
    this.inodeAt(path);
    this.names.delete(normalize(path));
  }

  syncDir(dir: string): void {
    this.stats.dirSyncs++;
    const normalized = normalize(dir);
    for (const path of [...this.durableNames.keys()]) {
      if (parentOf(path) === normalized && !this.names.has(path)) this.durableNames.delete(path);
    }
    for (const [path, inode] of this.names) {
      if (parentOf(path) === normalized) this.durableNames.set(path, inode);
    }
  }

  /** Loses everything not durable; open handles become unusable. */
  crash(options: CrashOptions): void {
    this.stats.crashes++;
    this.generation++;
    this.failed = false;
    const survivors = new Map<string, Inode>();
    const seen = new Map<Inode, Inode>();
    for (const [path, inode] of this.durableNames) {
      let survivor = seen.get(inode);
      if (survivor === undefined) {
        const unsynced = inode.length - inode.syncedLength;
        const kept = options.tearLastWrite && unsynced > 0 ? options.random.intBetween(0, unsynced) : 0;
        const length = inode.syncedLength + kept;
        survivor = { bytes: inode.bytes.slice(0, Math.max(length, 64)), length, syncedLength: length };
        seen.set(inode, survivor);
      }
      survivors.set(path, survivor);
    }
    this.names = survivors;
    this.durableNames = new Map(survivors);
  }

  /** Starts a fault on fsync; `undefined` ends it. A `fail-fsync` fault fails once, then ends. */
  setFault(fault: SimDiskFault | undefined, random: Random): void {
    if (fault?.type === 'slow-fsync') requirePositiveInteger('latencyMs', fault.latencyMs);
    if (fault?.type === 'fsync-spikes') {
      requirePositiveInteger('latencyMsMax', fault.latencyMsMax);
      requirePositiveInteger('perMille', fault.perMille);
    }
    this.fault = fault === undefined ? undefined : { fault, random };
  }

  get faultType(): SimDiskFault['type'] | undefined {
    return this.fault?.fault.type;
  }

  /** True once an fsync failed, until the next crash (the process that saw it must stop). */
  get hasFailed(): boolean {
    return this.failed;
  }

  /** Flips one bit of a file, durable or not (media corruption). */
  flipBit(path: string, options: { offset: number; bit: number }): void {
    const inode = this.inodeAt(path);
    assert(
      options.offset >= 0 && options.offset < inode.length,
      () => `flipBit offset ${options.offset} outside ${path}`,
    );
    assert(
      Number.isInteger(options.bit) && options.bit >= 0 && options.bit < 8,
      () => `bad bit ${options.bit}`,
    );
    inode.bytes[options.offset]! ^= 1 << options.bit;
  }

  /** Bytes held by all files now. */
  usedBytes(): number {
    let total = 0;
    for (const inode of new Set(this.names.values())) total += inode.length;
    return total;
  }

  /** The number of synced bytes of a file (for tests). */
  syncedBytes(path: string): number {
    return this.inodeAt(path).syncedLength;
  }

  /**
   * Throws EIO for the write or fsync a `fail-fsync` fault is waiting for, and for every
   * one after it until the crash: like Linux after a failed fsync, the dirty pages' fate
   * is unknown, and the caller must not go on as if they were durable.
   */
  private failIfFaulted(path: string, operation: 'write' | 'fsync'): void {
    if (this.failed) throw new DiskError('EIO', path, `${operation} after a failed fsync`);
    if (this.fault?.fault.type !== 'fail-fsync') return;
    this.fault = undefined;
    this.failed = true;
    this.stats.failedSyncs++;
    this.onFail?.();
    throw new DiskError('EIO', path, `${operation} failed (disk fault)`);
  }

  /** @internal used by SimFileHandle */
  appendTo(handle: { path: string; inode: Inode; generation: number }, data: Uint8Array): void {
    this.checkHandle(handle);
    this.failIfFaulted(handle.path, 'write');
    const limited = this.capacityBytes !== Number.MAX_SAFE_INTEGER;
    if (limited && this.usedBytes() + data.length > this.capacityBytes) {
      throw new DiskError('ENOSPC', handle.path, `no space left for ${data.length} bytes`);
    }
    this.stats.appends++;
    const inode = handle.inode;
    if (inode.length + data.length > inode.bytes.length) {
      const grown = new Uint8Array(Math.max(inode.bytes.length * 2, inode.length + data.length));
      grown.set(inode.bytes.subarray(0, inode.length));
      inode.bytes = grown;
    }
    inode.bytes.set(data, inode.length);
    inode.length += data.length;
  }

  /** @internal used by SimFileHandle */
  syncFile(handle: { path: string; inode: Inode; generation: number }): void {
    this.checkHandle(handle);
    this.failIfFaulted(handle.path, 'fsync');
    const fault = this.fault;
    this.stats.syncs++;
    handle.inode.syncedLength = handle.inode.length;
    const stallMs = fault === undefined ? 0 : stallOf(fault.fault, fault.random);
    if (stallMs > 0) {
      this.stats.stalls++;
      this.onStall?.(stallMs);
    }
  }

  /** @internal used by SimFileHandle */
  checkHandle(handle: { path: string; generation: number }): void {
    if (handle.generation !== this.generation) {
      throw new DiskError('EIO', handle.path, 'file handle from before a crash');
    }
  }

  private inodeAt(path: string): Inode {
    const inode = this.names.get(normalize(path));
    if (inode === undefined) throw new DiskError('ENOENT', normalize(path), 'no such file');
    return inode;
  }
}

class SimFileHandle implements FileHandle {
  private closed = false;
  readonly path: string;

  constructor(
    private readonly disk: SimDisk,
    private readonly handle: { path: string; inode: Inode; generation: number },
  ) {
    this.path = handle.path;
  }

  append(data: Uint8Array): void {
    assert(!this.closed, () => `append to closed ${this.path}`);
    this.disk.appendTo(this.handle, data);
  }

  sync(): void {
    assert(!this.closed, () => `sync of closed ${this.path}`);
    this.disk.syncFile(this.handle);
  }

  size(): number {
    this.disk.checkHandle(this.handle);
    return this.handle.inode.length;
  }

  close(): void {
    this.closed = true;
  }
}

function stallOf(fault: SimDiskFault, random: Random): number {
  switch (fault.type) {
    case 'slow-fsync':
      return fault.latencyMs;
    case 'fsync-spikes':
      return random.chance(fault.perMille, 1000) ? random.intBetween(1, fault.latencyMsMax) : 0;
    case 'fail-fsync':
      return 0;
  }
}

function normalize(path: string): string {
  const parts = path.split('/').filter((part) => part !== '' && part !== '.');
  return `/${parts.join('/')}`;
}

function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}
