// A Disk that can be told to misbehave, around a real one: the disk faults of the chaos
// suite's process mode (DESIGN.md "Faults"), set through etcd-ts's fault-control
// endpoint. Slow fsyncs stall the caller (the Disk port is synchronous, so a stall is a
// blocking wait, as a slow device would be); a failed fsync throws EIO, which the WAL
// treats as etcd does: the member stops rather than acknowledge what may not be durable.
// The fault shapes match nemesis/'s DiskFault (the JSON the endpoint receives).

import { type Disk, DiskError, type FileHandle } from './disk.js';
import type { Random } from './random.js';

export type DiskFaultMode =
  | { readonly type: 'slow-fsync'; readonly latencyMs: number }
  | { readonly type: 'fsync-spikes'; readonly latencyMsMax: number; readonly perMille: number }
  | { readonly type: 'fail-fsync' };

/** One stall at most this long, whatever the fault asks: the member must stay killable by the suite's bounds. */
export const stallMsMax = 10_000;

/** Blocks the thread for `delayMs` (Atomics.wait on a private buffer never woken). */
function stall(delayMs: number): void {
  if (delayMs <= 0) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(delayMs, stallMsMax));
}

export class FaultDisk implements Disk {
  private mode: DiskFaultMode | undefined;

  constructor(
    private readonly inner: Disk,
    private readonly random: Random,
  ) {}

  /** Sets (or with undefined clears) the fault in force. */
  setFault(mode: DiskFaultMode | undefined): void {
    this.mode = mode;
  }

  fault(): DiskFaultMode | undefined {
    return this.mode;
  }

  /** Applied before every durable step (fsync, truncate, directory sync). */
  private beforeSync(path: string): void {
    const mode = this.mode;
    if (mode === undefined) return;
    if (mode.type === 'slow-fsync') stall(mode.latencyMs);
    if (mode.type === 'fsync-spikes' && this.random.intBelow(1000) < mode.perMille) {
      stall(1 + this.random.intBelow(Math.max(1, mode.latencyMsMax)));
    }
    if (mode.type === 'fail-fsync') throw new DiskError('EIO', path, 'fsync failed (injected disk fault)');
  }

  mkdirp(dir: string): void {
    this.inner.mkdirp(dir);
  }

  list(dir: string): string[] {
    return this.inner.list(dir);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  openAppend(path: string, options: { create: boolean }): FileHandle {
    const handle = this.inner.openAppend(path, options);
    return {
      path: handle.path,
      append: (data) => handle.append(data),
      sync: () => {
        this.beforeSync(handle.path);
        handle.sync();
      },
      size: () => handle.size(),
      close: () => handle.close(),
    };
  }

  read(path: string): Uint8Array {
    return this.inner.read(path);
  }

  rename(from: string, to: string): void {
    this.inner.rename(from, to);
  }

  truncate(path: string, size: number): void {
    this.beforeSync(path);
    this.inner.truncate(path, size);
  }

  remove(path: string): void {
    this.inner.remove(path);
  }

  syncDir(dir: string): void {
    this.beforeSync(dir);
    this.inner.syncDir(dir);
  }
}
