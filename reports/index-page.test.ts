// The store index: every run listed with its verdict and facts, broken runs as broken,
// sort keys present for every column, and nothing fetched from outside the page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, describe, expect, test } from 'vitest';
import { indexScript, writeIndexPage } from './index-page.js';
import { writeRunFixture } from './run-fixture.js';
import {
  externalReferences,
  removeTemporaryStores,
  temporaryStore,
  testConfig,
  writeInvalidRun,
  writeValidRun,
} from './test-runs.js';

function storeWithRuns(): string {
  const store = temporaryStore();
  writeValidRun(join(store, 'register', '20261124T100000'));
  writeInvalidRun(join(store, 'register', '20261124T110000'));
  writeRunFixture(join(store, 'append', '20261124T120000'), {
    config: testConfig('append', '5'),
    history: '{"index":0,"time":0,"process":0,"type":"invoke","f":"read"}\n{"index":1,',
  });
  return store;
}

afterAll(removeTemporaryStores);

describe('writeIndexPage()', () => {
  test('writeIndexPage() lists valid, invalid and broken runs, newest first', () => {
    const store = storeWithRuns();
    const { path, summaries } = writeIndexPage(store);
    expect(path).toBe(join(store, 'index.html'));
    expect(summaries.map((summary) => [summary.path, summary.verdict])).toEqual([
      ['append/20261124T120000', 'broken'],
      ['register/20261124T110000', 'invalid'],
      ['register/20261124T100000', 'valid'],
    ]);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain('3 runs: 1 valid, 1 invalid, 0 unknown, 1 broken.');
    expect(html).toContain('<span class="badge broken">broken</span>');
    expect(html).toContain('<li>history.jsonl line 2: truncated: not JSON');
    expect(html).toContain('<li>results.json: missing</li>');
    expect(html).toContain('href="register/20261124T110000/report.html"');
    expect(externalReferences(html)).toEqual([]);
  });

  test('writeIndexPage() gives every cell a sort key and every header a sort type', () => {
    const store = storeWithRuns();
    const html = readFileSync(writeIndexPage(store).path, 'utf8');
    const headers = [...html.matchAll(/<th tabindex="0" data-type="(text|number)"/g)];
    expect(headers.length).toBe(11);
    const rows = [...html.matchAll(/<tr class="[^"]*" data-verdict="(\w+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((row) => row[1])).toEqual(['broken', 'invalid', 'valid']);
    for (const row of rows) expect([...row[2]!.matchAll(/<td data-sort="/g)].length).toBe(11);
    // The valid run: 2 ok, 1 fail, 1 info, sortable as numbers.
    expect(rows[2]![2]).toContain('<td data-sort="2">2</td><td data-sort="1">1</td><td data-sort="1">1</td>');
    expect(rows[2]![2]).toContain('<td data-sort="etcd-ts 0.1.0">etcd-ts 0.1.0</td>');
    expect(rows[2]![2]).toContain('<td data-sort="42">42</td>');
  });

  test('writeIndexPage() writes an empty list for an empty or absent store', () => {
    const store = temporaryStore();
    const { summaries } = writeIndexPage(store);
    expect(summaries).toEqual([]);
    expect(readFileSync(join(store, 'index.html'), 'utf8')).toContain('0 runs: 0 valid');
    const absent = join(store, 'not-yet');
    expect(writeIndexPage(absent).summaries).toEqual([]);
    expect(readFileSync(join(absent, 'index.html'), 'utf8')).toContain('0 runs: 0 valid');
  });

  test('writeIndexPage() inlines a sort and filter script that compiles', () => {
    expect(() => new Script(indexScript)).not.toThrow();
    const html = readFileSync(writeIndexPage(storeWithRuns()).path, 'utf8');
    expect(html).toContain(`<script>${indexScript}</script>`);
    expect(html).toContain('<input id="filter" type="search"');
    expect(html).toContain('<select id="verdict-filter">');
  });
});
