// readJsonl's canonical-line path must read every line exactly as JSON.parse and toEvent
// do (the same events, fields in the same order, the same errors), whether a line takes
// that path or not: compared on lines near and far from the canonical shape.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { History } from '../history.js';
import { toEvent } from './event.js';
import { FormatError } from './format-error.js';
import { readJsonl } from './jsonl.js';

const runs = Number(process.env.CHECKER_PROPERTY_RUNS ?? 300);

/** The reference: JSON.parse and toEvent on every non-blank line. */
function readByParsing(text: string, file: string): History {
  const history: History = [];
  for (const [at, lineText] of text.split('\n').entries()) {
    if (lineText.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(lineText);
    } catch (error) {
      throw new FormatError(file, at + 1, 'line', `not JSON (${(error as Error).message})`);
    }
    history.push(toEvent(record, { file, line: at + 1, position: history.length }));
  }
  return history;
}

/** Mostly what the canonical path takes, sometimes what it must leave to JSON.parse. */
const integerText = fc.oneof(
  { weight: 6, arbitrary: fc.nat().map(String) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,20}$/) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '-1',
      '-0',
      '1.5',
      '1e3',
      '"3"',
      'null',
      '9999999999999999',
      `1${'0'.repeat(400)}`,
      '12345678901234567',
    ),
  },
);
const textValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a"b', 'a\\b', 'tab\there', 'line\u2028sep', 'café ☕') },
);
const stringText = fc.oneof(
  { weight: 8, arbitrary: textValue.map((text) => JSON.stringify(text)) },
  // Raw control characters: JSON.parse refuses them.
  { weight: 1, arbitrary: fc.constantFrom('"tab\there"', '"nul\u0000"', '"new\u001fline"') },
);
const valueText = fc.oneof(
  { weight: 3, arbitrary: stringText },
  { weight: 3, arbitrary: integerText },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', '[1,2]', '{"a":1}', '-', '1.0', '-5') },
);
const lineText = fc
  .record({
    index: integerText,
    time: fc.oneof(
      { weight: 3, arbitrary: integerText },
      { weight: 2, arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }).map(String) },
      { weight: 1, arbitrary: fc.stringMatching(/^[0-9]{1,3}\.[0-9]{0,20}$/) },
    ),
    process: fc.oneof(
      { weight: 6, arbitrary: integerText },
      { weight: 1, arbitrary: fc.constant('"nemesis"') },
    ),
    type: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('"invoke"', '"ok"', '"fail"', '"info"') },
      { weight: 1, arbitrary: fc.constantFrom('"other"', '1', '"ok "') },
    ),
    f: fc.oneof({ weight: 6, arbitrary: stringText }, { weight: 1, arbitrary: fc.constantFrom('1', 'null') }),
    key: fc.option(fc.oneof({ weight: 6, arbitrary: stringText }, { weight: 1, arbitrary: integerText }), {
      nil: undefined,
    }),
    value: fc.option(valueText, { nil: undefined }),
    extra: fc.constantFrom('', '', '', ',"extra":1'),
  })
  .map(
    (line) =>
      `{"index":${line.index},"time":${line.time},"process":${line.process},"type":${line.type},"f":${line.f}` +
      `${line.key === undefined ? '' : `,"key":${line.key}`}${line.value === undefined ? '' : `,"value":${line.value}`}${line.extra}}`,
  );
/** A line as written, or with a space put in, a character taken out or a CR at its end. */
const writtenLine = fc
  .tuple(lineText, fc.constantFrom('none', 'none', 'none', 'none', 'space', 'cut', 'cr'), fc.nat())
  .map(([line, change, at]) => {
    const position = at % (line.length + 1);
    if (change === 'space') return `${line.slice(0, position)} ${line.slice(position)}`;
    if (change === 'cut') return line.slice(0, position) + line.slice(position + 1);
    if (change === 'cr') return `${line}\r`;
    return line;
  });
const fileText = fc
  .tuple(
    fc.array(
      fc.oneof({ weight: 8, arbitrary: writtenLine }, { weight: 1, arbitrary: fc.constantFrom('', '  ') }),
      { maxLength: 12 },
    ),
    fc.boolean(),
  )
  .map(([lines, endsWithNewline]) => lines.join('\n') + (endsWithNewline && lines.length > 0 ? '\n' : ''));

function outcome(read: (text: string, file: string) => History, text: string) {
  try {
    const history = read(text, 'h.jsonl');
    return { history, fields: history.map((event) => Object.keys(event)) };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    return { error: [error.file, error.line, error.field, error.message] };
  }
}

test.prop([fileText], { seed: 20261125, numRuns: runs })(
  'readJsonl() reads every file as JSON.parse and toEvent line by line do',
  (text) => {
    expect(outcome(readJsonl, text)).toEqual(outcome(readByParsing, text));
  },
);

test('readJsonl() reads canonical and other lines alike, counting lines across both', () => {
  const text =
    '{"index":0,"time":0,"process":1,"type":"invoke","f":"put","key":"k","value":"v1 "}\n' +
    '{"index":1, "time":1,"process":1,"type":"ok","f":"put","key":"k","value":"v1 "}\n' +
    '{"index":2,"time":2,"process":0,"type":"invoke","f":"read","value":-0}\n' +
    '\n' +
    '{"index":3,"time":3,"process":0,"type":"ok","f":"read","value":12345678901234567}\n' +
    '{"index":4,"time":99999999999999999999,"process":0,"type":"invoke","f":"read","value":null}\n' +
    '{"index":5,"time":1e999,"process":0,"type":"ok","f":"read"}\n';
  // 1e999 is Infinity: not a time, on line 7 (the blank line counts).
  expect(outcome(readJsonl, text).error?.slice(0, 3)).toEqual(['h.jsonl', 7, 'time']);
  const events = readJsonl(text.slice(0, text.lastIndexOf('{')), 'h.jsonl');
  expect(events).toEqual(readByParsing(text.slice(0, text.lastIndexOf('{')), 'h.jsonl'));
  expect(Object.is(events[2]!.value, -0)).toBe(true);
  expect(events[4]!.time).toBe(1e20);
});
