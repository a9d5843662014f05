// A cache of store/index.html's rows, in store/.index-cache.json, so refreshing the index
// reads only runs that are new or changed: a row is reused while the sizes and mtimes of
// the run's test.json, results.json and history.jsonl are what they were when it was
// made. Without it every refresh parses every stored history, and a store that grows by
// a hundred runs per `npm run chaos` would make each refresh slower than the last. The
// cache is only an accelerator: unreadable, foreign or old-version caches are ignored.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from './index-page.js';

export const indexCacheFile = '.index-cache.json';
const cacheVersion = 1;
const stampedFiles = ['test.json', 'results.json', 'history.jsonl'] as const;

interface CachedRow {
  readonly stamp: string;
  readonly summary: RunSummary;
}

export type IndexCache = Map<string, CachedRow>;

/** What a run directory's files look like now; a different stamp means the row is stale. */
export function stampOf(directory: string): string {
  return stampedFiles
    .map((file) => {
      try {
        const stat = statSync(join(directory, file));
        return `${stat.size}:${stat.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}

export function readIndexCache(store: string): IndexCache {
  try {
    const parsed = JSON.parse(readFileSync(join(store, indexCacheFile), 'utf8')) as {
      version?: unknown;
      rows?: Record<string, CachedRow>;
    };
    if (parsed.version !== cacheVersion || typeof parsed.rows !== 'object' || parsed.rows === null)
      return new Map();
    return new Map(Object.entries(parsed.rows));
  } catch {
    return new Map();
  }
}

export function writeIndexCache(store: string, cache: IndexCache): void {
  try {
    writeFileSync(
      join(store, indexCacheFile),
      JSON.stringify({ version: cacheVersion, rows: Object.fromEntries(cache) }),
    );
  } catch {
    // A store we cannot write the cache into still gets its index; the next refresh is slower.
  }
}

/** The run's row from `cache` if its files did not change, else from `summarize` (and cached). */
export function cachedSummary(
  cache: IndexCache,
  next: IndexCache,
  run: { directory: string; path: string; summarize: () => RunSummary },
): RunSummary {
  const stamp = stampOf(run.directory);
  const hit = cache.get(run.path);
  const summary = hit !== undefined && hit.stamp === stamp ? hit.summary : run.summarize();
  next.set(run.path, { stamp, summary });
  return summary;
}
