// The plots' axis labels: time ticks stay distinct and readable however short or long the
// run, and throughput rates are written out rather than in exponent form.
import { describe, expect, test } from 'vitest';
import type { ReportOperation } from './operations.js';
import { renderLatencyPlot, renderThroughputPlot } from './plots.js';

function operation(callTime: number, returnTime: number): ReportOperation {
  return {
    process: 0,
    f: 'read',
    key: 'k1',
    status: 'ok',
    callIndex: 0,
    returnIndex: 1,
    callTime,
    returnTime,
    input: undefined,
    output: undefined,
  };
}

/** The labels under the time axis (text-anchor="middle"), in order. */
function timeLabels(svg: string): string[] {
  return [...svg.matchAll(/text-anchor="middle">([^<]*)<\/text>/g)].map((match) => match[1]!);
}

describe('renderLatencyPlot()', () => {
  test('renderLatencyPlot() labels a 5 ms run in distinct milliseconds', () => {
    const svg = renderLatencyPlot([operation(0, 2), operation(3, 5)], {
      span: { start: 0, end: 5 },
      faults: [],
      msPerTimeUnit: 1,
    });
    const labels = timeLabels(svg);
    expect(labels).toEqual(['0 s', '0.833 ms', '1.667 ms', '2.500 ms', '3.333 ms', '4.167 ms', '5.000 ms']);
    expect(new Set(labels).size).toBe(labels.length);
  });

  test('renderLatencyPlot() labels a long run in seconds', () => {
    const svg = renderLatencyPlot([operation(0, 1_000)], {
      span: { start: 0, end: 60_000_000 },
      faults: [],
      msPerTimeUnit: 1e-3,
    });
    expect(timeLabels(svg)).toEqual([
      '0 s',
      '10.000 s',
      '20.000 s',
      '30.000 s',
      '40.000 s',
      '50.000 s',
      '60.000 s',
    ]);
  });
});

describe('renderThroughputPlot()', () => {
  test('renderThroughputPlot() writes large rates without exponents', () => {
    const operations = Array.from({ length: 200 }, (_, index) => operation(index / 100, index / 100 + 0.001));
    const svg = renderThroughputPlot(operations, {
      span: { start: 0, end: 2 },
      faults: [],
      msPerTimeUnit: 1,
    });
    expect(svg).not.toMatch(/\de[+-]\d/);
    expect(svg).toMatch(/text-anchor="end">\d{4,}\/s</);
  });
});
