// One self-contained HTML report per run: verdict header, run facts and replay command,
// problems with the run directory, the operation timeline with fault bands and the
// violation explorer, latency and throughput plots, and one section per checker.
// Inline CSS and JS only: it opens from file:// and makes no network request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  highlightedCallIndexes,
  renderCheckerSection,
  verdictClass,
  verdictText,
} from './checker-sections.js';
import { countOf, escapeHtml, jsonForScript } from './escape.js';
import { faultIntervals } from './nemesis.js';
import { reportOperations, timeSpan } from './operations.js';
import { pageScript } from './page-script.js';
import { pageStyle } from './page-style.js';
import { statusColours, violationColour } from './palette.js';
import { renderLatencyPlot, renderThroughputPlot } from './plots.js';
import { describeProblem } from './problem.js';
import type { CheckerResult } from './results.js';
import { type RunConfig, type RunData, readRunDir, resultsFile } from './run-dir.js';
import { timelineData } from './timeline-data.js';

export const reportFile = 'report.html';
/** Characters of test.json shown in the config block. */
export const configCharsMax = 50_000;

const msPerUnit = { ns: 1e-6, us: 1e-3, ms: 1 } as const;

function fact(name: string, value: string | undefined): string {
  return `<dt>${escapeHtml(name)}</dt><dd>${value === undefined ? '<span class="note">not recorded</span>' : escapeHtml(value)}</dd>`;
}

function header(run: RunData): string {
  const valid = run.results?.valid;
  const why =
    run.results === undefined
      ? 'no verdict: results.json is missing or broken (see the problems below)'
      : `${countOf(run.results.checkers.length, 'checker')} ran`;
  const title = run.config?.name ?? run.directory;
  return `<header class="verdict ${verdictClass(valid)}" role="banner"><h1 id="verdict">${verdictText(valid)}</h1><p>${escapeHtml(title)} — ${escapeHtml(why)}</p></header>`;
}

function facts(config: RunConfig | undefined, run: RunData): string {
  const sut =
    config?.sut === undefined
      ? undefined
      : `${config.sut}${config.sutVersion === undefined ? '' : ` ${config.sutVersion}`}`;
  const parts = [
    '<h2>Run</h2><dl class="facts">',
    fact('system under test', sut),
    fact('workload', config?.workload),
    fact('nemesis', config?.nemesis),
    fact('seed', config?.seed),
    fact('started', config?.startTime),
    fact('directory', run.directory),
    '</dl>',
  ];
  if (config?.replayCommand !== undefined) {
    parts.push(
      `<h3>Replay</h3><div class="replay"><code id="replay-command">${escapeHtml(config.replayCommand)}</code><button type="button" class="copy" data-target="replay-command">copy</button></div>`,
    );
  }
  if (config !== undefined) {
    const text = JSON.stringify(config.raw, null, 2);
    const shown = text.length > configCharsMax ? `${text.slice(0, configCharsMax)}\n…` : text;
    parts.push(
      `<details><summary>Full configuration (test.json)</summary><pre>${escapeHtml(shown)}</pre></details>`,
    );
  }
  return parts.join('');
}

function problemsSection(run: RunData): string {
  if (run.problems.length === 0) return '';
  const items = run.problems.map((problem) => `<li>${escapeHtml(describeProblem(problem))}</li>`).join('');
  const skipped =
    run.historyLinesSkipped > 0
      ? `<p>${run.historyLinesSkipped} history lines were skipped; the timeline and plots show the ${run.history.length} events that could be read.</p>`
      : '';
  return `<section class="problems" id="problems" role="alert"><h2>This run directory is incomplete or broken</h2><ul>${items}</ul>${skipped}</section>`;
}

function countsLine(
  run: RunData,
  operations: ReturnType<typeof reportOperations>,
  faultCount: number,
): string {
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const operation of operations) counts[operation.status]++;
  const processes = new Set(operations.map((operation) => operation.process)).size;
  return `<p id="counts">${countOf(run.history.length, 'event')}, ${countOf(operations.length, 'operation')} (${counts.ok} ok, ${counts.fail} fail, ${counts.info} info) from ${countOf(processes, 'process', 'processes')}, ${countOf(faultCount, 'fault')}.</p>`;
}

function legend(): string {
  const swatch = (colour: string, label: string): string =>
    `<span class="swatch" style="background:${colour}"></span>${escapeHtml(label)}`;
  return `<p class="legend">${swatch(statusColours.ok, 'ok')}${swatch(statusColours.fail, 'fail')}${swatch(statusColours.info, 'info (unknown outcome)')}${swatch(violationColour, 'violation (outlined)')}${swatch('rgba(120,120,120,0.35)', 'fault interval')}</p>`;
}

function timelineSection(highlightCount: number): string {
  const explorer =
    highlightCount === 0
      ? ''
      : `<button type="button" id="violation-previous">◀ previous violation</button><button type="button" id="violation-next">next violation ▶</button><span>${highlightCount} highlighted operations</span>`;
  return [
    '<h2>Timeline</h2>',
    legend(),
    `<div class="controls"><button type="button" id="zoom-in" aria-label="zoom in">+</button><button type="button" id="zoom-out" aria-label="zoom out">−</button><button type="button" id="zoom-reset">reset</button>${explorer}<span id="zoom-level"></span></div>`,
    '<canvas id="timeline" tabindex="0" aria-label="operation timeline: arrow keys move between operations, n and p between violations, plus and minus zoom, shift+arrows pan"></canvas>',
    '<div id="selection" aria-live="polite"></div>',
    '<p class="note">Wheel or +/− to zoom, drag or shift+←/→ to pan, ←/→/↑/↓ to move between operations, n/p between violations.</p>',
    '<div id="tooltip" hidden></div>',
  ].join('');
}

function faultTable(faults: ReturnType<typeof faultIntervals>, start: number, msPerTimeUnit: number): string {
  if (faults.length === 0) return '<p>No faults were injected (no nemesis events in the history).</p>';
  const seconds = (time: number | undefined): string =>
    time === undefined ? 'end of run' : `${(((time - start) * msPerTimeUnit) / 1000).toFixed(3)} s`;
  const rows = faults
    .slice(0, 200)
    .map(
      (fault) =>
        `<tr><td>${escapeHtml(fault.name)}</td><td>${seconds(fault.startTime)}</td><td>${seconds(fault.endTime)}</td><td><code>${escapeHtml(JSON.stringify(fault.detail) ?? '')}</code></td></tr>`,
    )
    .join('');
  return `<details><summary>${countOf(faults.length, 'fault')}</summary><table><thead><tr><th>fault</th><th>from</th><th>to</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table></details>`;
}

/**
 * results.json is validated where the renderer relies on it; anything odder that still
 * gets through is shown as a named problem instead of ending the page in a stack trace.
 */
function safely<T>(render: () => T, fallback: T): T {
  try {
    return render();
  } catch {
    return fallback;
  }
}

function checkerSection(checker: CheckerResult, position: number): string {
  const problem = `<section class="checker problems"><p>${escapeHtml(describeProblem({ file: resultsFile, field: `checkers[${position}]`, message: 'could not be shown: its details do not have the documented shape' }))}</p></section>`;
  return safely(() => renderCheckerSection(checker, { position }), problem);
}

/** The whole page for one run, as a string. */
export function renderRunReport(run: RunData): string {
  const msPerTimeUnit = msPerUnit[run.config?.timeUnit ?? 'ms'];
  const operations = reportOperations(run.history);
  const span = timeSpan(run.history);
  const faults = faultIntervals(run.history);
  const checkers = run.results?.checkers ?? [];
  const highlights = safely(() => highlightedCallIndexes(checkers, run.history), new Map<number, string>());
  const data = timelineData(operations, { span, faults, msPerTimeUnit, highlightedCallIndexes: highlights });
  const plotOptions = { span, faults, msPerTimeUnit };
  const checkerSections =
    run.results === undefined
      ? '<p>No checker results: results.json is missing or broken.</p>'
      : checkers.map((checker, position) => checkerSection(checker, position)).join('');
  const title = `${verdictText(run.results?.valid)} — ${run.config?.name ?? run.directory}`;
  return [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title><style>${pageStyle}</style></head><body>`,
    header(run),
    '<main>',
    '<div id="script-error" hidden></div>',
    problemsSection(run),
    facts(run.config, run),
    countsLine(run, operations, faults.length),
    '<h2>Checkers</h2>',
    checkerSections,
    timelineSection(data.highlights.length),
    '<h2>Faults</h2>',
    faultTable(faults, span.start, msPerTimeUnit),
    '<h2>Latency</h2><p class="note">Completed operations, by completion time; solid: median per time bucket, dashed: 99th percentile. Grey bands: faults.</p>',
    renderLatencyPlot(operations, plotOptions),
    '<h2>Throughput</h2><p class="note">Completions per second by outcome. Grey bands: faults.</p>',
    renderThroughputPlot(operations, plotOptions),
    `<script type="application/json" id="timeline-data">${jsonForScript(data)}</script>`,
    `<script>${pageScript}</script>`,
    '</main></body></html>',
  ].join('\n');
}

/** Reads a run directory and writes its report.html next to its files; returns the path and size. */
export function writeRunReport(directory: string): { path: string; bytes: number; run: RunData } {
  const run = readRunDir(directory);
  const html = renderRunReport(run);
  const path = join(directory, reportFile);
  writeFileSync(path, html);
  return { path, bytes: Buffer.byteLength(html), run };
}
