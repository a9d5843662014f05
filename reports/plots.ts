// Latency over time (per operation type, log scale) and throughput over time, as
// hand-written SVG with the nemesis fault bands behind the data. Points are aggregated
// into time buckets (median and 99th percentile per bucket), so a 100,000-operation
// history draws as a few hundred points per series.
import { escapeHtml } from './escape.js';
import type { FaultInterval } from './nemesis.js';
import type { ReportOperation } from './operations.js';
import { faultBandColour, seriesColour, statusColours } from './palette.js';

export const bucketsMax = 240;
/** Below this many completed operations every latency is drawn as its own point as well. */
export const scatterPointsMax = 2_000;

export interface PlotOptions {
  span: { start: number; end: number };
  faults: FaultInterval[];
  /** Multiply a history time difference by this to get milliseconds. */
  msPerTimeUnit: number;
  widthPx?: number;
  heightPx?: number;
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x: (time: number) => number;
}

function frameOf(options: PlotOptions): Frame {
  const width = options.widthPx ?? 960;
  const height = options.heightPx ?? 260;
  const left = 64;
  const right = width - 12;
  const { start, end } = options.span;
  return {
    width,
    height,
    left,
    right,
    top: 12,
    bottom: height - 34,
    x: (time) => left + ((time - start) / (end - start)) * (right - left),
  };
}

function format(value: number): string {
  if (value === 0) return '0';
  if (Math.abs(value) >= 1000) return String(Math.round(value));
  if (Math.abs(value) < 0.01) return value.toExponential(0);
  return String(Number(value.toPrecision(3)));
}

/** A time-axis label; short runs are labelled in ms so that ticks a fraction of a ms apart stay distinct. */
function formatElapsed(ms: number): string {
  if (ms === 0) return '0 s';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 100_000 ? 1 : 3)} s` : `${ms.toFixed(ms < 10 ? 3 : 1)} ms`;
}

function faultBands(frame: Frame, options: PlotOptions): string {
  return options.faults
    .map((fault) => {
      const x0 = frame.x(fault.startTime);
      const x1 = Math.max(x0 + 1.5, frame.x(fault.endTime ?? options.span.end));
      return `<rect x="${x0.toFixed(1)}" y="${frame.top}" width="${(x1 - x0).toFixed(1)}" height="${frame.bottom - frame.top}" fill="${faultBandColour}"><title>${escapeHtml(fault.name)}</title></rect>`;
    })
    .join('');
}

function timeAxis(frame: Frame, options: PlotOptions): string {
  const parts: string[] = [
    `<line x1="${frame.left}" y1="${frame.bottom}" x2="${frame.right}" y2="${frame.bottom}" stroke="#444"/>`,
  ];
  const ticks = 6;
  for (let i = 0; i <= ticks; i++) {
    const time = options.span.start + ((options.span.end - options.span.start) * i) / ticks;
    const x = frame.x(time);
    const elapsedMs = (time - options.span.start) * options.msPerTimeUnit;
    parts.push(`<line x1="${x}" y1="${frame.bottom}" x2="${x}" y2="${frame.bottom + 4}" stroke="#444"/>`);
    parts.push(
      `<text x="${x}" y="${frame.bottom + 16}" text-anchor="middle">${formatElapsed(elapsedMs)}</text>`,
    );
  }
  return parts.join('');
}

function svgOpen(frame: Frame, label: string): string {
  return `<svg class="plot" viewBox="0 0 ${frame.width} ${frame.height}" width="100%" role="img" aria-label="${escapeHtml(label)}">`;
}

function bucketOf(time: number, options: PlotOptions, buckets: number): number {
  const { start, end } = options.span;
  return Math.min(buckets - 1, Math.max(0, Math.floor(((time - start) / (end - start)) * buckets)));
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

function legend(frame: Frame, entries: Array<{ label: string; colour: string; dashed?: boolean }>): string {
  return entries
    .map((entry, i) => {
      const x = frame.left + 8 + i * 150;
      const dash = entry.dashed === true ? ' stroke-dasharray="4 3"' : '';
      return `<line x1="${x}" y1="${frame.top + 8}" x2="${x + 18}" y2="${frame.top + 8}" stroke="${entry.colour}" stroke-width="2.5"${dash}/><text x="${x + 22}" y="${frame.top + 12}">${escapeHtml(entry.label)}</text>`;
    })
    .join('');
}

/** Latency (ms, log scale) of completed operations, one colour per operation type. */
export function renderLatencyPlot(operations: ReportOperation[], options: PlotOptions): string {
  const frame = frameOf(options);
  const completed = operations.filter(
    (operation) => operation.returnTime !== undefined && operation.status !== 'info',
  );
  const latency = (operation: ReportOperation): number =>
    Math.max(1e-3, (operation.returnTime! - operation.callTime) * options.msPerTimeUnit);
  let minMs = Number.POSITIVE_INFINITY;
  let maxMs = 0;
  for (const operation of completed) {
    const value = latency(operation);
    minMs = Math.min(minMs, value);
    maxMs = Math.max(maxMs, value);
  }
  if (completed.length === 0) {
    return `${svgOpen(frame, 'latency')}${faultBands(frame, options)}${timeAxis(frame, options)}<text x="${frame.width / 2}" y="${frame.height / 2}" text-anchor="middle">no completed operations</text></svg>`;
  }
  const lowExponent = Math.floor(Math.log10(minMs));
  const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(maxMs)));
  const y = (ms: number): number =>
    frame.bottom -
    ((Math.log10(ms) - lowExponent) / (highExponent - lowExponent)) * (frame.bottom - frame.top);
  const parts: string[] = [svgOpen(frame, 'latency over time, log scale'), faultBands(frame, options)];
  for (let exponent = lowExponent; exponent <= highExponent; exponent++) {
    const value = 10 ** exponent;
    parts.push(
      `<line x1="${frame.left}" y1="${y(value)}" x2="${frame.right}" y2="${y(value)}" stroke="#ddd"/><text x="${frame.left - 6}" y="${y(value) + 4}" text-anchor="end">${format(value)} ms</text>`,
    );
  }
  const types = [...new Set(completed.map((operation) => operation.f))].sort();
  const legendEntries: Array<{ label: string; colour: string; dashed?: boolean }> = [];
  types.forEach((type, position) => {
    const colour = seriesColour(position);
    const ofType = completed.filter((operation) => operation.f === type);
    if (completed.length <= scatterPointsMax) {
      for (const operation of ofType) {
        parts.push(
          `<circle cx="${frame.x(operation.returnTime!).toFixed(1)}" cy="${y(latency(operation)).toFixed(1)}" r="1.6" fill="${colour}" fill-opacity="0.45"/>`,
        );
      }
    }
    const buckets: number[][] = Array.from({ length: bucketsMax }, () => []);
    for (const operation of ofType)
      buckets[bucketOf(operation.returnTime!, options, bucketsMax)]!.push(latency(operation));
    const median: string[] = [];
    const high: string[] = [];
    buckets.forEach((values, bucket) => {
      if (values.length === 0) return;
      values.sort((a, b) => a - b);
      const x = (frame.left + ((bucket + 0.5) / bucketsMax) * (frame.right - frame.left)).toFixed(1);
      median.push(`${x},${y(percentile(values, 0.5)).toFixed(1)}`);
      high.push(`${x},${y(percentile(values, 0.99)).toFixed(1)}`);
    });
    parts.push(`<polyline points="${median.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    parts.push(
      `<polyline points="${high.join(' ')}" fill="none" stroke="${colour}" stroke-width="1.2" stroke-dasharray="4 3"/>`,
    );
    legendEntries.push({ label: `${type} p50`, colour }, { label: `${type} p99`, colour, dashed: true });
  });
  parts.push(timeAxis(frame, options), legend(frame, legendEntries), '</svg>');
  return parts.join('');
}

/** Completions per second over time, one line per outcome. */
export function renderThroughputPlot(operations: ReportOperation[], options: PlotOptions): string {
  const frame = frameOf(options);
  const buckets = bucketsMax;
  const bucketSeconds = ((options.span.end - options.span.start) * options.msPerTimeUnit) / 1000 / buckets;
  const counts = {
    ok: new Array<number>(buckets).fill(0),
    fail: new Array<number>(buckets).fill(0),
    info: new Array<number>(buckets).fill(0),
  };
  for (const operation of operations) {
    const time = operation.returnTime ?? operation.callTime;
    counts[operation.status][bucketOf(time, options, buckets)]!++;
  }
  let peak = 1;
  for (const series of Object.values(counts)) for (const count of series) peak = Math.max(peak, count);
  const perSecond = (count: number): number => (bucketSeconds > 0 ? count / bucketSeconds : count);
  const peakRate = perSecond(peak);
  const y = (count: number): number =>
    frame.bottom - (perSecond(count) / peakRate) * (frame.bottom - frame.top);
  const parts: string[] = [svgOpen(frame, 'throughput over time'), faultBands(frame, options)];
  for (let i = 0; i <= 4; i++) {
    const rate = (peakRate * i) / 4;
    const yPx = frame.bottom - (i / 4) * (frame.bottom - frame.top);
    parts.push(
      `<line x1="${frame.left}" y1="${yPx}" x2="${frame.right}" y2="${yPx}" stroke="#ddd"/><text x="${frame.left - 6}" y="${yPx + 4}" text-anchor="end">${format(rate)}/s</text>`,
    );
  }
  const entries: Array<{ label: string; colour: string }> = [];
  for (const status of ['ok', 'fail', 'info'] as const) {
    const points = counts[status].map((count, bucket) => {
      const x = frame.left + ((bucket + 0.5) / buckets) * (frame.right - frame.left);
      return `${x.toFixed(1)},${y(count).toFixed(1)}`;
    });
    parts.push(
      `<polyline points="${points.join(' ')}" fill="none" stroke="${statusColours[status]}" stroke-width="2"/>`,
    );
    entries.push({ label: status, colour: statusColours[status] });
  }
  parts.push(timeAxis(frame, options), legend(frame, entries), '</svg>');
  return parts.join('');
}
