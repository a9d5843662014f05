// One section per checker result: the verdict, and for a failure exactly what broke —
// the linearizability explanation, a transactional cycle, missing or duplicated watch
// events, overlapping lock holds. Also collects the operations to highlight on the
// timeline (by the history index of their invoke).

import type { History, Verdict } from '../checker/history.js';
import { pairOperations } from '../checker/history.js';
import { edgeLegend, renderCycleGraph } from './cycle-graph.js';
import { countOf, escapeHtml, showValue } from './escape.js';
import type {
  CheckerResult,
  LinearizabilityCheckerResult,
  LockCheckerResult,
  TransactionalCheckerResult,
  WatchCheckerResult,
} from './results.js';

/** Rows in any one table of a section; the rest are counted, not listed. */
export const tableRowsMax = 200;
/** Characters of an unknown checker's JSON details shown. */
export const otherDetailsCharsMax = 20_000;

export function verdictText(valid: Verdict | undefined): string {
  if (valid === true) return 'valid';
  if (valid === false) return 'INVALID';
  if (valid === 'unknown') return 'unknown';
  return 'no verdict';
}

export function verdictClass(valid: Verdict | undefined): string {
  if (valid === true) return 'valid';
  if (valid === false) return 'invalid';
  return 'unknown';
}

function badge(valid: Verdict): string {
  return `<span class="badge ${verdictClass(valid)}">${verdictText(valid)}</span>`;
}

function jump(callIndex: number, label: string): string {
  return `<button type="button" class="jump" data-call-index="${callIndex}">${escapeHtml(label)}</button>`;
}

function table(headers: string[], rows: string[][], total: number): string {
  const head = headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('');
  const more = total > rows.length ? `<p class="note">${total - rows.length} more not listed.</p>` : '';
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
}

function linearizabilitySection(checker: LinearizabilityCheckerResult): string {
  const { result } = checker;
  const parts: string[] = [`<p>Model: <code>${escapeHtml(String(checker.model))}</code></p>`];
  const explanation = result.explanation;
  if (explanation !== undefined) {
    parts.push(`<p class="sentence">${escapeHtml(explanation.sentence)}</p>`);
    if (explanation.partition !== '')
      parts.push(`<p>Partition (key): <code>${escapeHtml(explanation.partition)}</code></p>`);
    parts.push(
      `<h4>Longest linearizable prefix: ${explanation.prefixLength} operations</h4>`,
      explanation.prefixDescriptions.length < explanation.prefixLength
        ? `<p class="note">The last ${explanation.prefixDescriptions.length}, in linearization order:</p>`
        : '',
      `<ol class="prefix">${explanation.prefixDescriptions.map((text) => `<li>${escapeHtml(text)}</li>`).join('')}</ol>`,
      `<h4>Model state after the prefix</h4><p><code>${escapeHtml(explanation.stateAfterPrefix)}</code></p>`,
      '<h4>Operations that could not be placed next</h4>',
      table(
        ['operation', 'process', 'state before', 'model', ''],
        explanation.couldNotPlace.map((stuck) => [
          escapeHtml(stuck.description),
          escapeHtml(String(stuck.operation.process)),
          `<code>${escapeHtml(stuck.stateBefore)}</code>`,
          stuck.stepOk ? 'fits, but no linearization continues from it' : 'rejects it in this state',
          jump(stuck.operation.callIndex, 'show on timeline'),
        ]),
        explanation.couldNotPlace.length,
      ),
    );
  }
  if (result.unknownReason !== undefined)
    parts.push(`<p class="sentence">${escapeHtml(result.unknownReason)}</p>`);
  const partitions = [...result.partitions].sort(
    (a, b) => Number(a.valid === true) - Number(b.valid === true),
  );
  parts.push(
    `<details><summary>${countOf(result.partitions.length, 'partition')}</summary>`,
    table(
      ['partition', 'verdict', 'operations', 'longest prefix', 'search steps', 'memo entries'],
      partitions
        .slice(0, tableRowsMax)
        .map((partition) => [
          `<code>${escapeHtml(partition.name)}</code>`,
          badge(partition.valid),
          String(partition.operationCount),
          String(partition.longestPrefix),
          String(partition.steps),
          String(partition.memoEntries),
        ]),
      partitions.length,
    ),
    '</details>',
  );
  return parts.join('');
}

function transactionalSection(checker: TransactionalCheckerResult, sectionId: string): string {
  if (checker.anomalies.length === 0) return '<p>No dependency cycles found.</p>';
  const parts = [`<p class="legend">Edges: ${edgeLegend()}</p>`];
  checker.anomalies.slice(0, tableRowsMax).forEach((anomaly, i) => {
    parts.push(`<div class="anomaly"><h4>${escapeHtml(String(anomaly.name))}</h4>`);
    if (anomaly.sentence !== undefined) parts.push(`<p class="sentence">${escapeHtml(anomaly.sentence)}</p>`);
    parts.push(renderCycleGraph(anomaly, `${sectionId}-arrow-${i}`));
    parts.push(
      table(
        ['from', 'edge', 'to'],
        anomaly.cycle.map((edge) => [
          jump(edge.from, `T${edge.from}`),
          escapeHtml(edge.key === undefined ? edge.type : `${edge.type} on ${edge.key}`),
          jump(edge.to, `T${edge.to}`),
        ]),
        anomaly.cycle.length,
      ),
      '</div>',
    );
  });
  return parts.join('');
}

function watchSection(checker: WatchCheckerResult): string {
  const parts: string[] = [];
  if (checker.sentence !== undefined) parts.push(`<p class="sentence">${escapeHtml(checker.sentence)}</p>`);
  const rows = (events: WatchCheckerResult['missing']): string[][] =>
    events
      .slice(0, tableRowsMax)
      .map((event) => [
        escapeHtml(String(event.process)),
        `<code>${escapeHtml(String(event.key))}</code>`,
        escapeHtml(String(event.revision)),
        escapeHtml(event.description ?? ''),
      ]);
  const headers = ['watcher process', 'key', 'revision', 'event'];
  parts.push(`<h4>Missing events: ${checker.missing.length}</h4>`);
  if (checker.missing.length > 0) parts.push(table(headers, rows(checker.missing), checker.missing.length));
  parts.push(`<h4>Duplicated events: ${checker.duplicated.length}</h4>`);
  if (checker.duplicated.length > 0)
    parts.push(table(headers, rows(checker.duplicated), checker.duplicated.length));
  return parts.join('');
}

function lockSection(checker: LockCheckerResult): string {
  const parts: string[] = [];
  if (checker.sentence !== undefined) parts.push(`<p class="sentence">${escapeHtml(checker.sentence)}</p>`);
  parts.push(`<h4>Overlapping critical sections: ${checker.overlaps.length}</h4>`);
  if (checker.overlaps.length === 0) return parts.join('');
  const hold = (section: LockCheckerResult['overlaps'][number]['first']): string =>
    `process ${escapeHtml(String(section.process))} held it from ${escapeHtml(String(section.acquiredTime))} to ${escapeHtml(String(section.releasedTime))}`;
  parts.push(
    table(
      ['lock', 'first holder', 'second holder', ''],
      checker.overlaps
        .slice(0, tableRowsMax)
        .map((overlap) => [
          `<code>${escapeHtml(String(overlap.lock))}</code>`,
          hold(overlap.first),
          hold(overlap.second),
          `${jump(overlap.first.acquireIndex, 'first')} ${jump(overlap.second.acquireIndex, 'second')}`,
        ]),
      checker.overlaps.length,
    ),
  );
  return parts.join('');
}

export function renderCheckerSection(checker: CheckerResult, options: { position: number }): string {
  const sectionId = `checker-${options.position}`;
  let body: string;
  switch (checker.type) {
    case 'linearizability':
      body = linearizabilitySection(checker);
      break;
    case 'transactional':
      body = transactionalSection(checker, sectionId);
      break;
    case 'watch':
      body = watchSection(checker);
      break;
    case 'lock':
      body = lockSection(checker);
      break;
    case 'other':
      body =
        checker.details === undefined
          ? ''
          : `<pre>${escapeHtml(showValue(checker.details, otherDetailsCharsMax))}</pre>`;
      break;
  }
  return `<section class="checker" id="${sectionId}"><h3>${badge(checker.valid)} ${escapeHtml(String(checker.name))} <small>(${escapeHtml(checker.type)})</small></h3>${body}</section>`;
}

/** Invoke indexes of the operations every checker points at, with the reason shown on hover. */
export function highlightedCallIndexes(checkers: CheckerResult[], history: History): Map<number, string> {
  const highlights = new Map<number, string>();
  for (const checker of checkers) {
    if (checker.type === 'linearizability' && checker.result.explanation !== undefined) {
      const explanation = checker.result.explanation;
      for (const stuck of explanation.couldNotPlace) {
        highlights.set(stuck.operation.callIndex, `could not be linearized: ${stuck.description}`);
      }
      const lastId = explanation.prefix.at(-1);
      if (lastId !== undefined) {
        const callIndex = operationCallIndex(history, lastId);
        if (callIndex !== undefined && !highlights.has(callIndex)) {
          highlights.set(
            callIndex,
            `last operation of the longest linearizable prefix: ${explanation.prefixDescriptions.at(-1) ?? ''}`,
          );
        }
      }
    }
    if (checker.type === 'transactional') {
      for (const anomaly of checker.anomalies) {
        for (const edge of anomaly.cycle) highlights.set(edge.from, `in a ${anomaly.name} cycle`);
      }
    }
    if (checker.type === 'lock') {
      for (const overlap of checker.overlaps) {
        highlights.set(overlap.first.acquireIndex, `holds ${overlap.lock} while another process does`);
        highlights.set(overlap.second.acquireIndex, `holds ${overlap.lock} while another process does`);
      }
    }
  }
  return highlights;
}

/** The checker names operations by pairOperations() id; map one back to its invoke's index. */
function operationCallIndex(history: History, id: number): number | undefined {
  try {
    return pairOperations(history)[id]?.callIndex;
  } catch {
    // A history the checker cannot pair was not checked by it either; nothing to map.
    return undefined;
  }
}
