// The reports package's public surface: read a run directory, render its report, and
// render the store's index page.
export { type RunSummary, renderIndexPage, summarizeRun, writeIndexPage } from './index-page.js';
export type { Problem } from './problem.js';
export type {
  CheckerResult,
  CycleAnomaly,
  DependencyEdge,
  LinearizabilityCheckerResult,
  LockCheckerResult,
  OtherCheckerResult,
  RunResults,
  TransactionalCheckerResult,
  WatchCheckerResult,
} from './results.js';
export { combineVerdicts, parseResults } from './results.js';
export { type RunConfig, type RunData, readRunDir } from './run-dir.js';
export { renderRunReport, writeRunReport } from './run-report.js';
export { type RenderStoreOptions, type RenderStoreOutcome, renderStore } from './store.js';
