// The non-linearizability checker sections: a transactional cycle drawn with its edge
// types, watch events missing and duplicated, lock holds that overlap, and the run verdict.
import { describe, expect, test } from 'vitest';
import { highlightedCallIndexes, renderCheckerSection } from './checker-sections.js';
import { type CheckerResult, combineVerdicts } from './results.js';

const cycle: CheckerResult = {
  type: 'transactional',
  name: 'list-append',
  valid: false,
  anomalies: [
    {
      name: 'G-single',
      sentence: 'T3 did not see T8 append 5 to <x>, but T8 read T3 append 2 to y',
      cycle: [
        { from: 3, to: 8, type: 'rw', key: '<x>' },
        { from: 8, to: 3, type: 'wr', key: 'y' },
      ],
      transactions: { '3': 'append y 2; read <x> []', '8': 'read y [2]; append <x> 5' },
    },
  ],
};

describe('renderCheckerSection()', () => {
  test('renderCheckerSection() draws a transactional cycle with one labelled arrow per edge', () => {
    const html = renderCheckerSection(cycle, { position: 0 });
    expect(html).toContain('<span class="badge invalid">INVALID</span> list-append');
    expect(html).toContain('<svg class="cycle"');
    expect(html.match(/<path d="M[\d.]+,[\d.]+ Q/g)?.length).toBe(2);
    expect(html).toContain('>rw &lt;x&gt;</text>');
    expect(html).toContain('>wr y</text>');
    expect(html).toContain('<title>append y 2; read &lt;x&gt; []</title>');
    expect(html).toContain('T3 did not see T8 append 5 to &lt;x&gt;');
    expect(html).toContain('marker-end="url(#checker-0-arrow-0)"');
    expect([...highlightedCallIndexes([cycle], []).keys()].sort()).toEqual([3, 8]);
  });

  test('renderCheckerSection() lists missing and duplicated watch events', () => {
    const html = renderCheckerSection(
      {
        type: 'watch',
        name: 'watch',
        valid: false,
        missing: [{ process: 4, key: 'k1', revision: 17, description: 'PUT k1=3' }],
        duplicated: [{ process: 5, key: 'k2', revision: 9 }],
        sentence: 'watcher 4 never saw revision 17',
      },
      { position: 1 },
    );
    expect(html).toContain('Missing events: 1');
    expect(html).toContain('<td>4</td><td><code>k1</code></td><td>17</td><td>PUT k1=3</td>');
    expect(html).toContain('Duplicated events: 1');
    expect(html).toContain('<td>5</td><td><code>k2</code></td><td>9</td>');
    expect(html).toContain('<p class="sentence">watcher 4 never saw revision 17</p>');
  });

  test('renderCheckerSection() shows overlapping lock holds and highlights both acquires', () => {
    const lock: CheckerResult = {
      type: 'lock',
      name: 'mutex',
      valid: false,
      overlaps: [
        {
          lock: 'l1',
          first: { process: 1, acquiredTime: 10, releasedTime: 50, acquireIndex: 4 },
          second: { process: 2, acquiredTime: 30, releasedTime: 60, acquireIndex: 7 },
        },
      ],
    };
    const html = renderCheckerSection(lock, { position: 2 });
    expect(html).toContain('Overlapping critical sections: 1');
    expect(html).toContain('process 1 held it from 10 to 50');
    expect(html).toContain('process 2 held it from 30 to 60');
    expect(html).toContain('data-call-index="7"');
    expect([...highlightedCallIndexes([lock], []).keys()]).toEqual([4, 7]);
  });

  test('renderCheckerSection() shows an unknown checker type as escaped JSON', () => {
    const html = renderCheckerSection(
      { type: 'other', name: 'set', valid: 'unknown', details: { lost: ['<b>'] } },
      { position: 3 },
    );
    expect(html).toContain('<span class="badge unknown">unknown</span> set');
    expect(html).toContain('{&quot;lost&quot;:[&quot;&lt;b&gt;&quot;]}');
  });

  test('combineVerdicts() lets false win over unknown and unknown over true', () => {
    expect(combineVerdicts([true, 'unknown', false])).toBe(false);
    expect(combineVerdicts([true, 'unknown'])).toBe('unknown');
    expect(combineVerdicts([true, true])).toBe(true);
    expect(combineVerdicts([])).toBe(true);
  });
});
