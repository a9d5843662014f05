// store/index.html: every run in the store, one row each — verdict, SUT, workload,
// nemesis, seed, start, duration, operation counts — sortable by any column and
// filterable, all inline. Broken run directories are listed as broken, never hidden.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { verdictText } from './checker-sections.js';
import { escapeHtml } from './escape.js';
import { cachedSummary, type IndexCache, readIndexCache, writeIndexCache } from './index-cache.js';
import { reportOperations, timeSpan } from './operations.js';
import { pageStyle } from './page-style.js';
import { describeProblem } from './problem.js';
import { type RunData, readRunDir } from './run-dir.js';
import { reportFile } from './run-report.js';

export const indexFile = 'index.html';
/** Runs listed; a store with more lists the newest this many (by directory name). */
export const runsMax = 10_000;

const msPerUnit = { ns: 1e-6, us: 1e-3, ms: 1 } as const;

export interface RunSummary {
  /** Path of the run directory relative to the store, with forward slashes. */
  path: string;
  test: string;
  verdict: 'valid' | 'invalid' | 'unknown' | 'broken';
  problems: string[];
  sut: string;
  workload: string;
  nemesis: string;
  seed: string;
  startTime: string;
  durationSeconds: number | undefined;
  counts: { ok: number; fail: number; info: number };
}

export function summarizeRun(run: RunData, path: string): RunSummary {
  const operations = reportOperations(run.history);
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const operation of operations) counts[operation.status]++;
  const span = timeSpan(run.history);
  const config = run.config;
  const valid = run.results?.valid;
  const verdict =
    run.results === undefined ? 'broken' : valid === true ? 'valid' : valid === false ? 'invalid' : 'unknown';
  return {
    path,
    test: config?.name ?? path.split('/')[0] ?? path,
    verdict,
    problems: run.problems.map(describeProblem),
    sut: [config?.sut, config?.sutVersion].filter((part) => part !== undefined).join(' '),
    workload: config?.workload ?? '',
    nemesis: config?.nemesis ?? '',
    seed: config?.seed ?? '',
    startTime: config?.startTime ?? path.split('/')[1] ?? '',
    durationSeconds:
      run.history.length === 0
        ? undefined
        : ((span.end - span.start) * msPerUnit[config?.timeUnit ?? 'ms']) / 1000,
    counts,
  };
}

function directories(path: string): string[] {
  try {
    return readdirSync(path)
      .filter((name) => !name.startsWith('.') && statSync(join(path, name)).isDirectory())
      .sort();
  } catch {
    // An unreadable folder holds no runs we can list; the store's own listing goes on.
    return [];
  }
}

/** Finds run directories: store/<test>/<time>/. */
export function findRuns(store: string): string[] {
  const runs: string[] = [];
  for (const test of directories(store)) {
    for (const time of directories(join(store, test))) runs.push(`${test}/${time}`);
  }
  return runs.slice(-runsMax);
}

const columns: Array<{ label: string; sort: 'text' | 'number' }> = [
  { label: 'verdict', sort: 'text' },
  { label: 'test', sort: 'text' },
  { label: 'SUT', sort: 'text' },
  { label: 'workload', sort: 'text' },
  { label: 'nemesis', sort: 'text' },
  { label: 'seed', sort: 'text' },
  { label: 'start', sort: 'text' },
  { label: 'duration (s)', sort: 'number' },
  { label: 'ok', sort: 'number' },
  { label: 'fail', sort: 'number' },
  { label: 'info', sort: 'number' },
];

function row(summary: RunSummary): string {
  const cell = (text: string, sortValue: string | number = text): string =>
    `<td data-sort="${escapeHtml(String(sortValue))}">${escapeHtml(text)}</td>`;
  const problems =
    summary.problems.length === 0
      ? ''
      : `<ul class="note">${summary.problems.map((problem) => `<li>${escapeHtml(problem)}</li>`).join('')}</ul>`;
  const verdictLabel =
    summary.verdict === 'broken'
      ? 'broken'
      : verdictText(summary.verdict === 'valid' ? true : summary.verdict === 'invalid' ? false : 'unknown');
  const brokenMark =
    summary.verdict !== 'broken' && summary.problems.length > 0
      ? ' <span class="badge broken">broken</span>'
      : '';
  const duration = summary.durationSeconds;
  return [
    `<tr class="${summary.problems.length > 0 ? 'broken' : ''}" data-verdict="${summary.verdict}">`,
    `<td data-sort="${summary.verdict}"><span class="badge ${summary.verdict}">${escapeHtml(verdictLabel)}</span>${brokenMark}</td>`,
    `<td data-sort="${escapeHtml(summary.test)}"><a href="${escapeHtml(encodeURI(`${summary.path}/${reportFile}`))}">${escapeHtml(summary.path)}</a>${problems}</td>`,
    cell(summary.sut),
    cell(summary.workload),
    cell(summary.nemesis),
    cell(summary.seed),
    cell(summary.startTime),
    cell(duration === undefined ? '' : duration.toFixed(1), duration ?? -1),
    cell(String(summary.counts.ok), summary.counts.ok),
    cell(String(summary.counts.fail), summary.counts.fail),
    cell(String(summary.counts.info), summary.counts.info),
    '</tr>',
  ].join('');
}

export const indexScript = `
(function () {
  'use strict';
  var table = document.getElementById('runs');
  var body = table.tBodies[0];
  var filter = document.getElementById('filter');
  var verdict = document.getElementById('verdict-filter');
  var shown = document.getElementById('shown');
  function apply() {
    var text = filter.value.toLowerCase(), wanted = verdict.value, count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible = (text === '' || row.textContent.toLowerCase().indexOf(text) >= 0) && (wanted === '' || row.getAttribute('data-verdict') === wanted);
      row.hidden = !visible;
      if (visible) count++;
    });
    shown.textContent = count + ' of ' + body.rows.length + ' runs shown';
  }
  function sortBy(header) {
    var column = header.cellIndex, numeric = header.getAttribute('data-type') === 'number';
    var ascending = header.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute('aria-sort'); });
    header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute('data-sort'), y = b.cells[column].getAttribute('data-sort');
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
    header.addEventListener('click', function () { sortBy(header); });
    header.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(header); } });
  });
  filter.addEventListener('input', apply);
  verdict.addEventListener('change', apply);
  apply();
})();
`;

export function renderIndexPage(summaries: RunSummary[]): string {
  const headers = columns
    .map(
      (column) =>
        `<th tabindex="0" data-type="${column.sort}" title="sort by ${column.label}">${escapeHtml(column.label)}</th>`,
    )
    .join('');
  const counts = { valid: 0, invalid: 0, unknown: 0, broken: 0 };
  for (const summary of summaries) counts[summary.verdict]++;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>etcd-chaos runs</title><style>${pageStyle}</style></head><body><main>`,
    `<h1>etcd-chaos runs</h1><p id="totals">${summaries.length} runs: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.unknown} unknown, ${counts.broken} broken.</p>`,
    '<div class="controls"><label>filter <input id="filter" type="search" placeholder="text in any column"></label>',
    '<label>verdict <select id="verdict-filter"><option value="">all</option><option value="valid">valid</option><option value="invalid">invalid</option><option value="unknown">unknown</option><option value="broken">broken</option></select></label>',
    '<span id="shown" aria-live="polite"></span></div>',
    `<table id="runs"><thead><tr>${headers}</tr></thead><tbody>${summaries.map(row).join('')}</tbody></table>`,
    '<p class="note">Click a column header (or focus it and press Enter) to sort; again to reverse.</p>',
    `<script>${indexScript}</script></main></body></html>`,
  ].join('\n');
}

/** Reads every run in the store and writes store/index.html; returns its path and the summaries. */
export function writeIndexPage(store: string): { path: string; summaries: RunSummary[] } {
  const cache = readIndexCache(store);
  const next: IndexCache = new Map();
  const summaries = findRuns(store).map((path) => {
    const directory = join(store, path);
    return cachedSummary(cache, next, {
      directory,
      path,
      summarize: () => summarizeRun(readRunDir(directory), path),
    });
  });
  summaries.sort((a, b) => b.path.split('/')[1]!.localeCompare(a.path.split('/')[1]!));
  const path = join(store, indexFile);
  mkdirSync(store, { recursive: true });
  writeFileSync(path, renderIndexPage(summaries));
  writeIndexCache(store, next);
  return { path, summaries };
}
