// The etcd-ts command line: `wal dump DIR [--verify]` on WALs written to a temp dir on
// the real disk, including a corrupt one and one with a torn tail, and the one-line
// errors with exit code 254.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { EXIT_BAD_INPUT, EXIT_OK, main } from './main.js';
import { RealDisk } from './ports/real-disk.js';
import { entry, MemoryLogger, snapshot } from './wal/test-support.js';
import { WalPersistence } from './wal/wal-persistence.js';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function writeWal(saves: number): { dataDir: string; segment: string } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-ts-main-'));
  made.push(dataDir);
  const persistence = WalPersistence.open(new RealDisk(), {
    dir: dataDir,
    logger: new MemoryLogger(),
    metadata: { nodeId: 3, clusterId: 9 },
  });
  for (let index = 1; index <= saves; index++) {
    persistence.save(
      { entries: [entry(index, 2)], hardState: { term: 2, vote: 1, commit: index - 1 } },
      true,
    );
  }
  persistence.saveSnapshot(snapshot(2, 2));
  persistence.close();
  const walDir = path.join(dataDir, 'wal');
  return { dataDir, segment: path.join(walDir, fs.readdirSync(walDir)[0]!) };
}

function run(argv: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

describe('main()', () => {
  test('main() wal dump prints every record with index, term, type and size', () => {
    const { dataDir } = writeWal(5);
    const { code, out } = run(['wal', 'dump', dataDir, '--verify']);
    expect(code).toBe(EXIT_OK);
    const entryLines = out.filter((line) => !line.startsWith('#') && /\sentry\s/.test(line));
    expect(entryLines).toHaveLength(5);
    expect(entryLines[4]).toMatch(/entry\s+2\s+5\s+\d+\s+data=2B/);
    expect(out.some((line) => line.includes('metadata') && line.includes('node=3 cluster=9'))).toBe(true);
    expect(out.at(-3)).toMatch(/verified: no corruption; every complete record's CRC matches/);
    expect(out.at(-1)).toMatch(/snapshot 0000000000000002-0000000000000002\.snap: index 2 term 2, ok/);
  });

  test('main() wal dump --verify refuses a mid-segment bit flip with one line and exit 254', () => {
    const { dataDir, segment } = writeWal(10);
    const bytes = fs.readFileSync(segment);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    fs.writeFileSync(segment, bytes);
    const { code, err } = run(['wal', 'dump', dataDir, '--verify']);
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain(segment);
    expect(err[0]).toMatch(/corrupt at offset \d+: .*expected 0x[0-9a-f]{8}, actual 0x[0-9a-f]{8}/);
  });

  test('main() wal dump --verify reports a torn tail without changing the file', () => {
    const { dataDir, segment } = writeWal(4);
    const size = fs.statSync(segment).size;
    fs.truncateSync(segment, size - 3);
    const { code, out } = run(['wal', 'dump', dataDir, '--verify']);
    expect(code).toBe(EXIT_OK);
    expect(out.some((line) => /torn tail of \d+ bytes/.test(line))).toBe(true);
    expect(fs.statSync(segment).size).toBe(size - 3);
  });

  test('main() rejects unknown commands, bad options and missing WALs with exit 254', () => {
    expect(run(['frobnicate']).code).toBe(EXIT_BAD_INPUT);
    const badOption = run(['wal', 'dump', os.tmpdir(), '--nope']);
    expect(badOption.code).toBe(EXIT_BAD_INPUT);
    expect(badOption.err).toHaveLength(1);
    const missing = run(['wal', 'dump', path.join(os.tmpdir(), 'etcd-ts-no-such-dir')]);
    expect(missing.code).toBe(EXIT_BAD_INPUT);
    expect(missing.err[0]).toMatch(/no WAL segments/);
  });
});
