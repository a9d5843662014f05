// Crash test on the real disk: a child process appends synced batches to a WAL and is
// SIGKILLed at random points, WAL_KILL_CYCLES times (default 50). After each kill the
// WAL is recovered in this process: every index the child reported as fsynced must be
// there, with the term it was written in, and the hard state must not go back.
//
// The child is bundled from TypeScript with rolldown (vite's bundler) into a temp dir,
// so it runs as a plain Node script.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Xoshiro128 } from '../ports/random.js';
import { RealDisk } from '../ports/real-disk.js';
import { entryText, MemoryLogger } from './test-support.js';
import { WalPersistence } from './wal-persistence.js';

const cycles = Number(process.env.WAL_KILL_CYCLES ?? 50);
const SEED = 5150;
const SEGMENT_BYTES = 32 * 1024;
const CHILD_TIMEOUT_MS = 10_000;

let workDir = '';
let childScript = '';

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-chaos-wal-kill-'));
  childScript = path.join(workDir, 'child.cjs');
  const require = createRequire(import.meta.url);
  await build({
    input: fileURLToPath(new URL('./wal-kill-child.ts', import.meta.url)),
    platform: 'node',
    external: ['@node-rs/crc32'],
    logLevel: 'silent',
    output: {
      file: childScript,
      format: 'cjs',
      paths: { '@node-rs/crc32': require.resolve('@node-rs/crc32') },
    },
  });
});

afterAll(() => {
  if (workDir !== '') fs.rmSync(workDir, { recursive: true, force: true });
});

interface ChildReport {
  readonly synced: { index: number; term: number }[];
  readonly stderr: string;
}

/** Runs the child until it has reported `reportsWanted` synced batches, then SIGKILLs it. */
function runAndKill(options: { dataDir: string; seed: number; reportsWanted: number }): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [childScript, options.dataDir, String(options.seed), String(SEGMENT_BYTES)],
      // spawn's own timeout bounds a child that stops reporting: it is SIGKILLed too.
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: CHILD_TIMEOUT_MS, killSignal: 'SIGKILL' },
    );
    const synced: { index: number; term: number }[] = [];
    let stdout = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let newline = stdout.indexOf('\n');
      while (newline >= 0) {
        const [word, index, term] = stdout.slice(0, newline).split(' ');
        stdout = stdout.slice(newline + 1);
        if (word === 'synced') synced.push({ index: Number(index), term: Number(term) });
        newline = stdout.indexOf('\n');
      }
      if (synced.length >= options.reportsWanted) kill();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code ?? signal}: ${stderr}`));
      else if (synced.length < options.reportsWanted)
        reject(new Error(`child timed out after ${synced.length} reports: ${stderr}`));
      else resolve({ synced, stderr });
    });
  });
}

test(`WalPersistence loses no fsynced record across ${cycles} SIGKILLs of a writing process`, async () => {
  const random = new Xoshiro128(SEED);
  const dataDir = path.join(workDir, 'node');
  let tornRepairs = 0;
  let highestSynced = 0;
  let highestTerm = 0;
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const report = await runAndKill({
      dataDir,
      seed: random.nextUint32(),
      reportsWanted: random.intBetween(1, 30),
    });
    const last = report.synced.at(-1)!;
    highestSynced = Math.max(highestSynced, last.index);
    highestTerm = Math.max(highestTerm, last.term);
    const logger = new MemoryLogger();
    const persistence = WalPersistence.open(new RealDisk(), {
      dir: dataDir,
      logger,
      metadata: { nodeId: 1, clusterId: 1 },
    });
    const state = persistence.load();
    persistence.close();
    tornRepairs += logger.lines.filter((line) => line.includes('torn tail')).length;
    const snapshotIndex = state.snapshot?.metadata.index ?? 0;
    const lastIndex = state.entries.at(-1)?.index ?? snapshotIndex;
    expect(lastIndex, `cycle ${cycle}: recovered last index`).toBeGreaterThanOrEqual(last.index);
    expect(state.hardState.term, `cycle ${cycle}: recovered term`).toBeGreaterThanOrEqual(highestTerm);
    for (const { index, term } of report.synced) {
      if (index <= snapshotIndex) continue;
      const entry = state.entries[index - snapshotIndex - 1];
      expect(entry?.index, `cycle ${cycle}: entry ${index}`).toBe(index);
      expect(entry?.term).toBe(term);
      expect(new TextDecoder().decode(entry!.data)).toBe(entryText(index, term));
    }
  }
  console.log(
    `WAL kill test: ${cycles} SIGKILL cycles, ${highestSynced} entries synced, ${tornRepairs} torn tails repaired (seed ${SEED})`,
  );
});
