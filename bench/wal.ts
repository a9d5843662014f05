// `npm run bench:wal`: WAL throughput against the physical limit of the same disk.
// For batch sizes 1, 16 and 256 (256-byte entries) it measures records/s and fsyncs/s
// through the WAL (one save() = one write + one fdatasync) and through a raw loop that
// appends the same number of bytes per batch and fdatasyncs, interleaving the two in
// slices so both see the same disk and the same machine load. Prints the WAL/raw ratio; target >= 0.8 at 256.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RealDisk } from '../server/ports/real-disk.js';
import type { Entry } from '../server/raft/types.js';
import { Wal } from '../server/wal/wal.js';

const BATCH_SIZES = [1, 16, 256] as const;
const ENTRY_BYTES = 256;
const CASE_MS = Number(process.env.BENCH_WAL_CASE_MS ?? 1500);
const SLICE_BATCHES = 20;
const BATCHES_MAX = 500_000;
const TARGET_RATIO_AT_256 = 0.8;

interface Measured {
  batches: number;
  elapsedMs: number;
}

const silent = { info: () => {}, warn: () => {} };

function makeBatch(firstIndex: number, size: number, data: Uint8Array): Entry[] {
  return Array.from({ length: size }, (_, i) => ({
    index: firstIndex + i,
    term: 1,
    type: 'normal' as const,
    data,
  }));
}

/**
 * One case: the WAL and the raw loop take turns, SLICE_BATCHES batches each, until both
 * have run CASE_MS in total, so load from other processes hits both alike. Only the
 * save() call and the write+fdatasync pair are timed.
 */
function runCase(root: string, batchSize: number): { wal: Measured; raw: Measured; bytesPerBatch: number } {
  const walDir = path.join(root, `wal-${batchSize}`);
  const rawDir = path.join(root, `raw-${batchSize}`);
  fs.mkdirSync(rawDir, { recursive: true });
  const wal = Wal.create(new RealDisk(), {
    dir: walDir,
    logger: silent,
    metadata: { nodeId: 1, clusterId: 1 },
  });
  const rawFd = fs.openSync(path.join(rawDir, 'raw.log'), 'a');
  const data = new Uint8Array(ENTRY_BYTES).fill(0x61);
  const walMeasured: Measured = { batches: 0, elapsedMs: 0 };
  const rawMeasured: Measured = { batches: 0, elapsedMs: 0 };
  let nextIndex = 1;
  // The raw loop writes what one WAL batch wrote: measured on the first batch.
  const sizeBefore = totalBytes(walDir);
  wal.save(makeBatch(nextIndex, batchSize, data), { term: 1, vote: 1, commit: 0 }, { sync: true });
  nextIndex += batchSize;
  const bytesPerBatch = totalBytes(walDir) - sizeBefore;
  const rawBuffer = new Uint8Array(bytesPerBatch).fill(0x62);
  try {
    while (walMeasured.elapsedMs + rawMeasured.elapsedMs < 2 * CASE_MS && walMeasured.batches < BATCHES_MAX) {
      for (let i = 0; i < SLICE_BATCHES; i++) {
        const entries = makeBatch(nextIndex, batchSize, data);
        nextIndex += batchSize;
        const start = performance.now();
        wal.save(entries, { term: 1, vote: 1, commit: nextIndex - 1 }, { sync: true });
        walMeasured.elapsedMs += performance.now() - start;
        walMeasured.batches++;
      }
      for (let i = 0; i < SLICE_BATCHES; i++) {
        const start = performance.now();
        fs.writeSync(rawFd, rawBuffer);
        fs.fdatasyncSync(rawFd);
        rawMeasured.elapsedMs += performance.now() - start;
        rawMeasured.batches++;
      }
    }
  } finally {
    wal.close();
    fs.closeSync(rawFd);
  }
  return { wal: walMeasured, raw: rawMeasured, bytesPerBatch };
}

function totalBytes(dir: string): number {
  return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
}

function perSecond(count: number, elapsedMs: number): string {
  return Math.round((count * 1000) / elapsedMs).toLocaleString('en-US');
}

function main(): void {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-chaos-bench-wal-'));
  console.log(
    `bench:wal — ${ENTRY_BYTES}-byte entries, ~${CASE_MS} ms each for WAL and raw per case, interleaved`,
  );
  console.log(`disk: ${root}`);
  console.log(
    [
      'batch',
      'bytes/batch',
      'wal records/s',
      'wal fsyncs/s',
      'raw records/s',
      'raw fsyncs/s',
      'wal/raw',
    ].join('\t'),
  );
  let ratioAt256 = 0;
  try {
    for (const batchSize of BATCH_SIZES) {
      const { wal, raw, bytesPerBatch } = runCase(root, batchSize);
      const ratio = wal.batches / wal.elapsedMs / (raw.batches / raw.elapsedMs);
      if (batchSize === 256) ratioAt256 = ratio;
      console.log(
        [
          batchSize,
          bytesPerBatch,
          perSecond(wal.batches * batchSize, wal.elapsedMs),
          perSecond(wal.batches, wal.elapsedMs),
          perSecond(raw.batches * batchSize, raw.elapsedMs),
          perSecond(raw.batches, raw.elapsedMs),
          `${ratio.toFixed(2)}x`,
        ].join('\t'),
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const verdict = ratioAt256 >= TARGET_RATIO_AT_256 ? 'meets' : 'MISSES';
  console.log(
    `batch 256: WAL at ${ratioAt256.toFixed(2)}x of raw append+fsync — ${verdict} the ${TARGET_RATIO_AT_256}x target`,
  );
}

main();
