// Renders a whole store: report.html for every run that has none yet, then
// store/index.html. Existing reports are kept (the store never overwrites a run's files)
// unless `rerender` is set, e.g. after the report format changed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findRuns, type RunSummary, writeIndexPage } from './index-page.js';
import { reportFile, writeRunReport } from './run-report.js';

export interface RenderStoreOptions {
  /** Rewrite report.html even where one exists. Default false. */
  rerender?: boolean;
}

export interface RenderStoreOutcome {
  indexPath: string;
  reportsWritten: string[];
  summaries: RunSummary[];
}

export function renderStore(store: string, options: RenderStoreOptions = {}): RenderStoreOutcome {
  const reportsWritten: string[] = [];
  for (const run of findRuns(store)) {
    const directory = join(store, run);
    if (options.rerender !== true && existsSync(join(directory, reportFile))) continue;
    reportsWritten.push(writeRunReport(directory).path);
  }
  const { path, summaries } = writeIndexPage(store);
  return { indexPath: path, reportsWritten, summaries };
}
