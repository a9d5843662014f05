// The timeline's data as compact columns for the page script: one array per field,
// strings interned in tables, times relative to the history start. Operation details
// (input -> output) are kept within a character budget, always for the operations near
// a violation, so a 100,000-operation history stays a few megabytes.
import { showValue } from './escape.js';
import type { FaultInterval } from './nemesis.js';
import type { ReportOperation } from './operations.js';

/** Characters of operation details embedded in a page, across all operations. */
export const detailCharsMax = 2_000_000;
/** Characters of one operation's input or output shown on hover. */
export const valueCharsMax = 120;
/** Operations on each side of a violation that always keep full details. */
export const neighbourhoodOperations = 50;

export interface TimelineData {
  processes: number[];
  functions: string[];
  keys: string[];
  /** Per operation: row (index into processes), f and key table indexes (-1: no key). */
  row: number[];
  fn: number[];
  key: number[];
  /** 0 ok, 1 fail, 2 info. */
  status: number[];
  callIndex: number[];
  start: number[];
  /** -1 for an operation that never completed. */
  end: number[];
  /** Input and output text, or null where the budget ran out. */
  detail: Array<string | null>;
  /** Operation positions (into these arrays) to highlight, with why. */
  highlights: Array<{ operation: number; reason: string }>;
  faults: Array<{ name: string; start: number; end: number; detail: string }>;
  spanEnd: number;
  msPerTimeUnit: number;
}

const statusCodes = { ok: 0, fail: 1, info: 2 } as const;

function interner(): { table: string[]; index: (text: string) => number } {
  const table: string[] = [];
  const positions = new Map<string, number>();
  return {
    table,
    index(text: string): number {
      let position = positions.get(text);
      if (position === undefined) {
        position = table.length;
        positions.set(text, position);
        table.push(text);
      }
      return position;
    },
  };
}

function detailOf(operation: ReportOperation): string {
  const input = showValue(operation.input, valueCharsMax);
  const output =
    operation.returnTime === undefined ? 'never completed' : showValue(operation.output, valueCharsMax);
  return `${input === '' ? '-' : input} -> ${output === '' ? '-' : output}`;
}

export function timelineData(
  operations: ReportOperation[],
  options: {
    span: { start: number; end: number };
    faults: FaultInterval[];
    msPerTimeUnit: number;
    /** History event indexes of the operations' invokes, with the reason each is highlighted. */
    highlightedCallIndexes: Map<number, string>;
  },
): TimelineData {
  const { span } = options;
  const processes = [...new Set(operations.map((operation) => operation.process))].sort((a, b) => a - b);
  const rowOf = new Map(processes.map((process, row) => [process, row]));
  const functions = interner();
  const keys = interner();
  const highlights: TimelineData['highlights'] = [];
  const near = new Set<number>();
  operations.forEach((operation, position) => {
    const reason = options.highlightedCallIndexes.get(operation.callIndex);
    if (reason === undefined) return;
    highlights.push({ operation: position, reason });
    for (let i = position - neighbourhoodOperations; i <= position + neighbourhoodOperations; i++)
      near.add(i);
  });
  let detailChars = 0;
  const data: TimelineData = {
    processes,
    functions: functions.table,
    keys: keys.table,
    row: [],
    fn: [],
    key: [],
    status: [],
    callIndex: [],
    start: [],
    end: [],
    detail: [],
    highlights,
    faults: options.faults.map((fault) => ({
      name: fault.name,
      start: fault.startTime - span.start,
      end: (fault.endTime ?? span.end) - span.start,
      detail: showValue(fault.detail, valueCharsMax),
    })),
    spanEnd: span.end - span.start,
    msPerTimeUnit: options.msPerTimeUnit,
  };
  operations.forEach((operation, position) => {
    data.row.push(rowOf.get(operation.process)!);
    data.fn.push(functions.index(operation.f));
    data.key.push(operation.key === undefined ? -1 : keys.index(operation.key));
    data.status.push(statusCodes[operation.status]);
    data.callIndex.push(operation.callIndex);
    data.start.push(operation.callTime - span.start);
    data.end.push(operation.returnTime === undefined ? -1 : operation.returnTime - span.start);
    let detail: string | null = null;
    if (near.has(position) || detailChars < detailCharsMax) {
      detail = detailOf(operation);
      detailChars += detail.length;
    }
    data.detail.push(detail);
  });
  return data;
}
