// The run store never overwrites: a second run in the same second gets a suffixed
// directory, files are written with exclusive creation, and directory names carry the
// UTC start time as YYYYMMDDTHHMMSS.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createRunDir, timestampOf, writeRun } from './store.js';

const stores: string[] = [];
afterAll(() => {
  for (const store of stores) rmSync(store, { recursive: true, force: true });
});

function temporaryStore(): string {
  const store = mkdtempSync(join(tmpdir(), 'etcd-chaos-store-'));
  stores.push(store);
  return store;
}

const started = new Date('2026-11-24T16:55:57.123Z');

describe('store', () => {
  test('`timestampOf()` formats UTC time as YYYYMMDDTHHMMSS', () => {
    expect(timestampOf(started)).toBe('20261124T165557');
  });

  test('`createRunDir()` never reuses a directory: the same second gets a numbered suffix', () => {
    const store = temporaryStore();
    const first = createRunDir(store, 'sim-register-none', started);
    const second = createRunDir(store, 'sim-register-none', started);
    expect(first).toBe(join(store, 'sim-register-none', '20261124T165557'));
    expect(second).toBe(`${first}-1`);
    expect(existsSync(second)).toBe(true);
  });

  test('`writeRun()` writes the run, its report and the index, and refuses to write a run twice', () => {
    const store = temporaryStore();
    const directory = createRunDir(store, 'sim-register-none', started);
    const run = {
      testJson: { name: 'sim-register-none', seed: '1' },
      historyJsonl: '{"index":0,"time":0,"process":0,"type":"invoke","f":"read","key":"r1","value":null}\n',
      results: { version: 1 as const, valid: 'unknown' as const, checkers: [] },
    };
    const { reportPath, indexPath } = writeRun(store, directory, run);
    expect(existsSync(reportPath)).toBe(true);
    expect(existsSync(indexPath)).toBe(true);
    expect(() => writeRun(store, directory, run)).toThrow(/EEXIST/);
  });
});
