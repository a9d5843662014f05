// The index row cache: a second refresh reuses rows of unchanged runs without reading
// them, a run whose files changed is read again, and a damaged cache is ignored.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { cachedSummary, indexCacheFile, readIndexCache } from './index-cache.js';
import { type RunSummary, writeIndexPage } from './index-page.js';
import { removeTemporaryStores, temporaryStore, writeInvalidRun, writeValidRun } from './test-runs.js';

afterAll(removeTemporaryStores);

describe('index cache', () => {
  test('`writeIndexPage()` caches rows and `cachedSummary()` reuses a row while the run is unchanged', () => {
    const store = temporaryStore();
    const directory = join(store, 'register', '20261124T100000');
    writeValidRun(directory);
    writeIndexPage(store);
    expect(existsSync(join(store, indexCacheFile))).toBe(true);
    const cache = readIndexCache(store);
    expect(cache.get('register/20261124T100000')?.summary.verdict).toBe('valid');
    let reads = 0;
    const summarize = (): RunSummary => {
      reads++;
      return cache.get('register/20261124T100000')!.summary;
    };
    const run = { directory, path: 'register/20261124T100000', summarize };
    cachedSummary(cache, new Map(), run);
    expect(reads).toBe(0);
    // A changed results.json (e.g. re-checked) makes the row stale.
    writeFileSync(
      join(directory, 'results.json'),
      `${readFileSync(join(directory, 'results.json'), 'utf8')} `,
    );
    cachedSummary(cache, new Map(), run);
    expect(reads).toBe(1);
  });

  test('`writeIndexPage()` shows a run read again after its files changed, and ignores a damaged cache', () => {
    const store = temporaryStore();
    const directory = join(store, 'register', '20261124T100000');
    writeValidRun(directory);
    expect(writeIndexPage(store).summaries[0]?.verdict).toBe('valid');
    writeInvalidRun(join(store, 'register', '20261124T110000'));
    // Overwrite the first run's files with an invalid run's: its stamp changes.
    writeInvalidRun(directory);
    expect(writeIndexPage(store).summaries.map((summary) => summary.verdict)).toEqual(['invalid', 'invalid']);
    writeFileSync(join(store, indexCacheFile), '{not json');
    expect(readIndexCache(store).size).toBe(0);
    expect(writeIndexPage(store).summaries).toHaveLength(2);
  });
});
