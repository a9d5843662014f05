// The run store (DESIGN.md "Store"): every run gets its own directory
// store/<test-name>/<YYYYMMDDTHHMMSS>/ holding test.json (the whole config, the seed and
// the exact replay command), history.jsonl, results.json and report.html, and
// store/index.html is refreshed across runs. Nothing is overwritten: a directory that
// already exists gets a numbered suffix instead.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunResults, renderStore, writeRunReport } from '../reports/index.js';

/** Suffixes tried for one test name and second before giving up. */
export const runDirAttemptsMax = 1_000;

/** `20261124T165557` in UTC. */
export function timestampOf(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

/** Creates the run's directory; never reuses one that exists. */
export function createRunDir(store: string, testName: string, startTime: Date): string {
  const parent = join(store, testName);
  mkdirSync(parent, { recursive: true });
  const base = timestampOf(startTime);
  for (let attempt = 0; attempt < runDirAttemptsMax; attempt++) {
    const directory = join(parent, attempt === 0 ? base : `${base}-${attempt}`);
    try {
      mkdirSync(directory);
      return directory;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`${parent}: ${runDirAttemptsMax} runs named ${base} already exist`);
}

export interface StoredRun {
  readonly testJson: Record<string, unknown>;
  readonly historyJsonl: string;
  readonly results: RunResults;
}

/** Writes a run's files into its (new, empty) directory, its report, and the store's index. */
export function writeRun(
  store: string,
  directory: string,
  run: StoredRun,
): { reportPath: string; indexPath: string } {
  // `wx`: fail rather than overwrite, whatever happened to the directory meanwhile.
  writeFileSync(join(directory, 'test.json'), `${JSON.stringify(run.testJson, null, 2)}\n`, { flag: 'wx' });
  writeFileSync(join(directory, 'history.jsonl'), run.historyJsonl, { flag: 'wx' });
  writeFileSync(join(directory, 'results.json'), `${JSON.stringify(run.results)}\n`, { flag: 'wx' });
  const { path } = writeRunReport(directory);
  const { indexPath } = renderStore(store);
  return { reportPath: path, indexPath };
}
