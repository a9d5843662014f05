// Properties of escaping and of the tolerant readers: no string from a history can become
// markup or end a script element, and no text — however broken — makes a reader throw.
// Run count: REPORTS_PROPERTY_RUNS (default 200).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { escapeHtml, jsonForScript } from './escape.js';
import { parseResults } from './results.js';
import { parseConfig, parseHistory } from './run-dir.js';

const seed = 20261124;
const runs = Number(process.env.REPORTS_PROPERTY_RUNS ?? 200);

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

const validEvent = fc.record({
  process: fc.oneof(fc.nat({ max: 9 }), fc.constant('nemesis' as const)),
  type: fc.constantFrom('invoke', 'ok', 'fail', 'info'),
  f: fc.constantFrom('read', 'write', 'cas'),
  key: fc.string({ maxLength: 8 }),
  value: fc.jsonValue({ maxDepth: 2 }),
});

describe('escaping', () => {
  test.prop([fc.string({ unit: 'binary' })], { seed, numRuns: runs })(
    'escapeHtml() leaves no markup character and round-trips',
    (text) => {
      const escaped = escapeHtml(text);
      expect(escaped).not.toMatch(/[<>"']/);
      expect(unescapeHtml(escaped)).toBe(text);
    },
  );

  test.prop([fc.jsonValue()], { seed, numRuns: runs })(
    'jsonForScript() has no "<" and parses back to the same value',
    (value) => {
      const text = jsonForScript(value);
      expect(text).not.toContain('<');
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    },
  );
});

describe('tolerant readers', () => {
  test.prop([fc.string({ unit: 'binary' })], { seed, numRuns: runs })(
    'parseHistory(), parseConfig() and parseResults() never throw on arbitrary text',
    (text) => {
      const history = parseHistory(text, 'history.jsonl');
      const lineCount = text.split('\n').length;
      for (const problem of history.problems) {
        if (problem.line !== undefined) expect(problem.line).toBeLessThanOrEqual(lineCount);
      }
      expect(parseConfig(text, 'test.json').problems.every((problem) => problem.file === 'test.json')).toBe(
        true,
      );
      const results = parseResults(text, 'results.json');
      if (results.type === 'broken') expect(results.problems.length).toBeGreaterThan(0);
    },
  );

  test.prop([fc.array(fc.tuple(validEvent, fc.boolean()), { maxLength: 40 })], { seed, numRuns: runs })(
    'parseHistory() keeps every good line and names exactly the broken ones',
    (lines) => {
      const text = lines
        .map(([event, broken], i) => {
          const line = JSON.stringify({ index: i, time: i, ...event });
          return broken ? line.slice(0, Math.max(1, line.length - 3)) : line;
        })
        .join('\n');
      const parsed = parseHistory(text, 'history.jsonl');
      const brokenLines = lines.flatMap(([, broken], i) => (broken ? [i + 1] : []));
      expect(parsed.history.map((event) => event.index)).toEqual(
        lines.flatMap(([, broken], i) => (broken ? [] : [i])),
      );
      expect(parsed.linesSkipped).toBe(brokenLines.length);
      const named = parsed.problems.flatMap((problem) => (problem.line === undefined ? [] : [problem.line]));
      expect(named).toEqual(brokenLines.slice(0, named.length));
    },
  );
});
