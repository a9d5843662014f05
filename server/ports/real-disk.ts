// The Disk port over node:fs, for a real etcd-ts process. Appends go through the file
// descriptor with writeSync, sync() is fdatasync, and every creation, rename and removal
// is followed by an fsync of the directory, so a name that exists after a crash is one
// the caller saw created. Errors become DiskError with the path.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Disk, DiskError, type FileHandle } from './disk.js';

type DiskErrorCode = DiskError['code'];
const KNOWN_CODES: readonly DiskErrorCode[] = ['ENOENT', 'EEXIST', 'ENOSPC', 'EIO', 'ENOTDIR'];

function toDiskError(error: unknown, filePath: string, action: string): DiskError {
  const code = (error as NodeJS.ErrnoException).code;
  const known = KNOWN_CODES.find((candidate) => candidate === code) ?? 'EIO';
  return new DiskError(known, filePath, `${action} failed: ${(error as Error).message}`);
}

function attempt<T>(filePath: string, action: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DiskError) throw error;
    throw toDiskError(error, filePath, action);
  }
}

export class RealDisk implements Disk {
  mkdirp(dir: string): void {
    attempt(dir, 'mkdir', () => {
      if (fs.existsSync(dir)) return;
      fs.mkdirSync(dir, { recursive: true });
      this.syncDir(path.dirname(path.resolve(dir)));
    });
  }

  list(dir: string): string[] {
    return attempt(dir, 'readdir', () => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []));
  }

  exists(filePath: string): boolean {
    return fs.existsSync(filePath);
  }

  openAppend(filePath: string, options: { create: boolean }): FileHandle {
    return attempt(filePath, 'open', () => {
      const existed = fs.existsSync(filePath);
      if (!existed && !options.create) throw new DiskError('ENOENT', filePath, 'no such file');
      const fd = fs.openSync(filePath, 'a');
      if (!existed) this.syncDir(path.dirname(filePath));
      return new RealFileHandle(filePath, fd);
    });
  }

  read(filePath: string): Uint8Array {
    return attempt(filePath, 'read', () => {
      const buffer = fs.readFileSync(filePath);
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    });
  }

  rename(from: string, to: string): void {
    attempt(from, `rename to ${to}`, () => {
      fs.renameSync(from, to);
      this.syncDir(path.dirname(to));
      if (path.dirname(from) !== path.dirname(to)) this.syncDir(path.dirname(from));
    });
  }

  truncate(filePath: string, size: number): void {
    attempt(filePath, 'truncate', () => {
      const fd = fs.openSync(filePath, 'r+');
      try {
        fs.ftruncateSync(fd, size);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  remove(filePath: string): void {
    attempt(filePath, 'unlink', () => {
      fs.unlinkSync(filePath);
      this.syncDir(path.dirname(filePath));
    });
  }

  syncDir(dir: string): void {
    attempt(dir, 'fsync directory', () => {
      const fd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }
}

class RealFileHandle implements FileHandle {
  private bytes: number;
  private open = true;

  constructor(
    readonly path: string,
    private readonly fd: number,
  ) {
    this.bytes = fs.fstatSync(fd).size;
  }

  append(data: Uint8Array): void {
    attempt(this.path, 'write', () => {
      let written = 0;
      // writeSync may write less than asked; loop until all bytes are in (bounded by length).
      while (written < data.length) {
        const count = fs.writeSync(this.fd, data, written, data.length - written);
        if (count <= 0) throw new DiskError('EIO', this.path, 'write made no progress');
        written += count;
        this.bytes += count;
      }
    });
  }

  sync(): void {
    attempt(this.path, 'fdatasync', () => fs.fdatasyncSync(this.fd));
  }

  size(): number {
    return this.bytes;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    attempt(this.path, 'close', () => fs.closeSync(this.fd));
  }
}
