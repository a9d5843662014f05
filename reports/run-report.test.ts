// Renders valid, invalid and broken run directories and reads the HTML for what a user
// must see: the verdict, the checker's sentence, the broken file and line, no network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { writeJsonl } from '../checker/formats/jsonl.js';
import { HistoryBuilder } from '../checker/history-builder.js';
import { readRunDir } from './run-dir.js';
import { writeRunFixture } from './run-fixture.js';
import { renderRunReport, writeRunReport } from './run-report.js';
import {
  externalReferences,
  invalidHistory,
  removeTemporaryStores,
  temporaryStore,
  testConfig,
  writeInvalidRun,
  writeValidRun,
} from './test-runs.js';

function timelineJson(html: string): {
  highlights: Array<{ operation: number; reason: string }>;
  callIndex: number[];
} {
  const match = /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

afterAll(removeTemporaryStores);

describe('renderRunReport()', () => {
  test('renderRunReport() shows a valid run with its verdict, SUT, seed, replay command and fault', () => {
    const directory = join(temporaryStore(), 'register-valid', '20261124T160000');
    writeValidRun(directory);
    const { path, bytes } = writeRunReport(directory);
    const html = readFileSync(path, 'utf8');
    expect(bytes).toBe(Buffer.byteLength(html));
    expect(html).toMatch(/<h1 id="verdict">valid<\/h1>/);
    expect(html).toContain('header class="verdict valid"');
    expect(html).toContain('etcd-ts 0.1.0');
    expect(html).toContain('<dd>42</dd>');
    expect(html).toContain(
      '<code id="replay-command">etcd-chaos replay --seed 42 --workload register</code>',
    );
    expect(html).toContain('data-target="replay-command">copy</button>');
    expect(html).toContain('4 operations (2 ok, 1 fail, 1 info) from 3 processes, 1 fault.');
    expect(html).toContain('<td>partition</td>');
    expect(html).not.toContain('id="problems"');
    expect(externalReferences(html)).toEqual([]);
  });

  test('renderRunReport() shows an invalid run with the checker sentence, prefix, state and highlighted ops', () => {
    const directory = join(temporaryStore(), 'register-invalid', '20261124T160000');
    writeInvalidRun(directory);
    const html = renderRunReport(readRunDir(directory));
    expect(html).toMatch(/<h1 id="verdict">INVALID<\/h1>/);
    expect(html).toContain('header class="verdict invalid"');
    expect(html).toContain(
      '<p class="sentence">the read of k1 that returned 1, but the state is value 2 after the write of 2 to k1, which had completed before the read began (partition k1)</p>',
    );
    expect(html).toContain('Longest linearizable prefix: 2 operations');
    expect(html).toContain('<code>value 2</code>');
    expect(html).toContain('rejects it in this state');
    const data = timelineJson(html);
    const highlighted = data.highlights.map((highlight) => data.callIndex[highlight.operation]);
    // The stale read (invoke at index 4) and the last prefix op, the write of 2 (invoke at 2).
    expect(highlighted.sort()).toEqual([2, 4]);
    expect(html).toContain('data-call-index="4"');
    expect(html).toContain('id="violation-next"');
    expect(externalReferences(html)).toEqual([]);
  });

  test('renderRunReport() names the file and line of a truncated history and the missing results.json', () => {
    const directory = join(temporaryStore(), 'broken', '20261124T160000');
    const lines = writeJsonl(invalidHistory()).split('\n');
    // Line 4 is cut in the middle, as a crash mid-write leaves it; line 2 is garbage.
    const text = [lines[0], '{"index": 1, "type": "ok"', lines[2], lines[3]!.slice(0, 20)].join('\n');
    writeRunFixture(directory, { config: testConfig('broken', '9'), history: text });
    const html = renderRunReport(readRunDir(directory));
    expect(html).toContain('id="problems"');
    expect(html).toMatch(/history\.jsonl line 2: not JSON/);
    expect(html).toMatch(/history\.jsonl line 4: truncated: not JSON/);
    expect(html).toContain('results.json: missing');
    expect(html).toMatch(/<h1 id="verdict">no verdict<\/h1>/);
    expect(html).toContain(
      '2 history lines were skipped; the timeline and plots show the 2 events that could be read.',
    );
    expect(externalReferences(html)).toEqual([]);
  });

  test('renderRunReport() reports an empty directory as three missing files and still renders', () => {
    const directory = join(temporaryStore(), 'empty', '20261124T160000');
    writeRunFixture(directory, {});
    const html = renderRunReport(readRunDir(directory));
    for (const file of ['test.json', 'history.jsonl', 'results.json'])
      expect(html).toContain(`<li>${file}: missing</li>`);
    expect(html).toContain('0 events, 0 operations');
  });

  test('renderRunReport() names the field of a malformed event and of a malformed results.json', () => {
    const directory = join(temporaryStore(), 'fields', '20261124T160000');
    const history = '{"index":0,"time":0,"process":0,"type":"begin","f":"read"}\n';
    writeRunFixture(directory, {
      config: testConfig('fields', '1'),
      history,
      results: '{"version":1,"valid":"maybe","checkers":[]}',
    });
    const html = renderRunReport(readRunDir(directory));
    expect(html).toContain(
      'history.jsonl line 1, field type: expected invoke, ok, fail or info, got &quot;begin&quot;',
    );
    expect(html).toContain(
      'results.json, field valid: expected true, false or &quot;unknown&quot;, got &quot;maybe&quot;',
    );
  });

  test('renderRunReport() names a malformed explanation or checker detail instead of throwing', () => {
    const directory = join(temporaryStore(), 'odd', '20261124T160000');
    const explanation = {
      sentence: 's',
      stateAfterPrefix: 'x',
      partition: '',
      prefix: [],
      prefixDescriptions: [],
      couldNotPlace: [7],
    };
    const results = {
      version: 1,
      valid: false,
      checkers: [
        {
          type: 'linearizability',
          name: 'l',
          valid: false,
          model: 'register',
          result: { valid: false, partitions: [], explanation },
        },
      ],
    };
    writeRunFixture(directory, {
      config: testConfig('odd', '1'),
      history: invalidHistory(),
      results: JSON.stringify(results),
    });
    const html = renderRunReport(readRunDir(directory));
    expect(html).toContain('results.json, field checkers[0].result.explanation.couldNotPlace[0]: expected');
    const watch = {
      version: 1,
      valid: false,
      checkers: [{ type: 'watch', name: 'w', valid: false, missing: [null], duplicated: [] }],
    };
    writeRunFixture(directory, { results: JSON.stringify(watch) });
    expect(renderRunReport(readRunDir(directory))).toContain(
      'results.json, field checkers[0]: could not be shown: its details do not have the documented shape',
    );
  });

  test('renderRunReport() escapes every history and config string', () => {
    const directory = join(temporaryStore(), 'hostile', '20261124T160000');
    const hostile = '<script>alert(1)</script>';
    const history = new HistoryBuilder()
      .invoke(0, 'write', { key: hostile, value: hostile })
      .ok(0, 'write', { key: hostile, value: hostile })
      .invoke('nemesis', `start-${hostile}`)
      .invoke(1, 'read', { key: hostile })
      .ok(1, 'read', { key: hostile, value: 'x' }).history;
    const config = { ...testConfig(hostile, hostile), replayCommand: `run ${hostile} "quoted" & more` };
    writeRunFixture(directory, {
      config,
      history,
      results: {
        version: 1,
        valid: true,
        checkers: [{ type: 'other', name: hostile, valid: true, details: { hostile } }],
      },
    });
    const html = renderRunReport(readRunDir(directory));
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('</script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('run &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; more');
    // The embedded data holds the key too, with < escaped so it cannot end the script element.
    expect(html).toContain('\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
    expect(html.match(/<script\b/g)?.length).toBe(2);
  });
});
