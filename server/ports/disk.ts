// The Disk port: the few file operations the WAL and snapshots need. Real mode uses
// node:fs; sim mode an in-memory disk that keeps written and synced bytes apart and, on
// a crash, loses what was not synced (optionally tearing the last write).
//
// The port is synchronous on purpose. A node persists one Ready at a time and may not
// send that Ready's messages before the write is durable, so nothing useful could run
// concurrently with the fsync anyway; requests that arrive meanwhile queue up and are
// batched into the next Ready (group commit). Synchronous calls also keep the simulator
// a plain single-threaded event loop, which is what makes its runs bit-identical.

/** A file-system failure the caller can handle (ENOSPC, ENOENT, EIO...). */
export class DiskError extends Error {
  override name = 'DiskError';
  constructor(
    readonly code: 'ENOENT' | 'EEXIST' | 'ENOSPC' | 'EIO' | 'ENOTDIR',
    readonly path: string,
    message: string,
  ) {
    super(`${code}: ${message} (${path})`);
  }
}

export interface FileHandle {
  readonly path: string;
  /** Appends bytes at the end of the file; they are not durable until sync(). */
  append(data: Uint8Array): void;
  /** Makes every byte appended so far durable (fdatasync). */
  sync(): void;
  /** Current size in bytes, durable or not. */
  size(): number;
  close(): void;
}

export interface Disk {
  /** Creates the directory and its parents if missing. */
  mkdirp(dir: string): void;
  /** Names of the entries in a directory, sorted; [] when the directory is missing. */
  list(dir: string): string[];
  exists(path: string): boolean;
  /** Opens a file for appending, creating it when `create` is set. */
  openAppend(path: string, options: { create: boolean }): FileHandle;
  /** The whole content of a file. */
  read(path: string): Uint8Array;
  /** Atomically replaces `to` with `from` (rename(2)). */
  rename(from: string, to: string): void;
  /** Cuts a file to `size` bytes and makes the cut durable. */
  truncate(path: string, size: number): void;
  remove(path: string): void;
  /** Makes the directory's entries (creations, renames, removals) durable. */
  syncDir(dir: string): void;
}
