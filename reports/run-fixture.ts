// Writes a run directory the way the runner will (test.json, history.jsonl,
// results.json), for tests and the report benchmark. Each file can be left out or
// replaced by raw text to build broken runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonl } from '../checker/formats/jsonl.js';
import type { History } from '../checker/history.js';
import type { RunResults } from './results.js';
import { historyFile, resultsFile, testFile } from './run-dir.js';

export interface RunFixture {
  config?: Record<string, unknown> | string;
  history?: History | string;
  results?: RunResults | string;
}

export function writeRunFixture(directory: string, fixture: RunFixture): void {
  mkdirSync(directory, { recursive: true });
  const text = (value: unknown): string =>
    typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  if (fixture.config !== undefined) writeFileSync(join(directory, testFile), text(fixture.config));
  if (fixture.history !== undefined) {
    const history = fixture.history;
    writeFileSync(join(directory, historyFile), typeof history === 'string' ? history : writeJsonl(history));
  }
  if (fixture.results !== undefined) writeFileSync(join(directory, resultsFile), text(fixture.results));
}
