// renderStore(): one report per run without one, existing reports kept, and the index.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeRunFixture } from './run-fixture.js';
import { renderStore } from './store.js';
import { removeTemporaryStores, temporaryStore, writeInvalidRun, writeValidRun } from './test-runs.js';

afterAll(removeTemporaryStores);

describe('renderStore()', () => {
  test('renderStore() writes missing reports, keeps existing ones and writes the index', () => {
    const store = temporaryStore();
    writeValidRun(join(store, 'register', '20261124T100000'));
    writeInvalidRun(join(store, 'register', '20261124T110000'));
    writeRunFixture(join(store, 'append', '20261124T120000'), {});
    const kept = join(store, 'register', '20261124T100000', 'report.html');
    writeFileSync(kept, 'earlier report');
    const outcome = renderStore(store);
    expect(outcome.reportsWritten.map((path) => path.slice(store.length + 1))).toEqual([
      'append/20261124T120000/report.html',
      'register/20261124T110000/report.html',
    ]);
    expect(readFileSync(kept, 'utf8')).toBe('earlier report');
    expect(readFileSync(outcome.reportsWritten[0]!, 'utf8')).toContain('<li>history.jsonl: missing</li>');
    expect(existsSync(outcome.indexPath)).toBe(true);
    expect(outcome.summaries.map((summary) => summary.verdict)).toEqual(['broken', 'invalid', 'valid']);
    expect(renderStore(store, { rerender: true }).reportsWritten.length).toBe(3);
  });
});
