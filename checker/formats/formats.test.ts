// Every reader on hand-written input with known verdicts, round trips of both writers,
// and malformed input reported with file, line and field.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkHistory } from '../check.js';
import type { History } from '../history.js';
import { readEdnForms } from './edn.js';
import { readEdnHistory, writeEdnHistory } from './edn-history.js';
import { FormatError } from './format-error.js';
import { formats } from './index.js';
import { readJsonl, writeJsonl } from './jsonl.js';
import { decodeText } from './text.js';

function check(format: string, model: string, text: string) {
  const { history, modelOptions } = formats.get(format)!.read(text, 'input');
  return checkHistory(history, { model, modelOptions }).valid;
}

function errorOf(action: () => unknown): FormatError {
  try {
    action();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error('expected a FormatError');
}

describe('EDN', () => {
  test('readEdnForms() reads vectors, lists, maps, sets, comments, tags and missing commas', () => {
    const forms = readEdnForms(
      '; a comment\n[1 2.5 -3 nil true :k "s\\n"] (a b) {:x 1 :y [2]} #{1} #inst "2020" #_ 9 \\a',
      'f',
    );
    expect(forms.map((form) => form.value)).toEqual([
      [1, 2.5, -3, null, true, 'k', 's\n'],
      ['a', 'b'],
      { x: 1, y: [2] },
      [1],
      '2020',
      'a',
    ]);
    expect(forms[1]!.line).toBe(2);
  });

  test('readEdnHistory() reads a Knossos history with nemesis entries and a nil read as unknown', () => {
    const text = `[{:process 0, :type :invoke, :f :write, :value 1}
      {:process :nemesis :type :info :f :start :value "partition"}
      {:process 0 :type :ok :f :write :value 1}
      {:process 1 :type :invoke :f :read :value nil}
      {:process 1 :type :ok :f :read :value nil}]`;
    const history = readEdnHistory(text, 'h.edn');
    expect(history.map((event) => event.type)).toEqual(['invoke', 'info', 'ok', 'invoke', 'info']);
    expect(check('edn', 'cas-register', text)).toBe(true);
  });

  test('readEdnHistory() finds a stale read in a Jepsen history.edn (one op per line)', () => {
    const text = `{:process 0 :type :invoke :f :write :value 1 :index 0}
{:process 0 :type :ok :f :write :value 1 :index 1}
{:process 1 :type :invoke :f :read :value nil :index 2}
{:process 1 :type :ok :f :read :value 0 :index 3}`;
    expect(check('edn', 'register', text)).toBe(false);
  });

  test('readEdnHistory() names the line and field of a malformed op', () => {
    const error = errorOf(() =>
      readEdnHistory('{:process 0 :type :invoke :f :read}\n{:process x :type :ok :f :read}', 'bad.edn'),
    );
    expect([error.file, error.line, error.field]).toEqual(['bad.edn', 2, 'process']);
    expect(errorOf(() => readEdnHistory('[{:process 0', 'cut.edn')).message).toBe(
      "cut.edn:1: edn: missing '}'",
    );
  });
});

describe('Jepsen log lines', () => {
  const log = [
    'INFO  jepsen.util - 0\t:invoke\t:write\t1',
    'INFO  jepsen.util - 0    :ok     :write   1',
    'INFO  jepsen.core - some other log line',
    'INFO  jepsen.util - :nemesis\t:info\t:start\tCut off {:n1 #{:n2}}',
    'INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]',
    'INFO  jepsen.util - 1\t:ok\t:cas\t[1 2]',
    'INFO  jepsen.util - 2\t:invoke\t:read\tnil',
  ];

  test('readJepsenLog() reads tabs or spaces and skips other lines', () => {
    expect(
      check('jepsen-log', 'cas-register', [...log, 'INFO  jepsen.util - 2\t:ok\t:read\t2'].join('\n')),
    ).toBe(true);
  });

  test('readJepsenLog() treats a nil read as the absent initial value, as Porcupine does', () => {
    expect(
      check('jepsen-log', 'cas-register', [...log, 'INFO  jepsen.util - 2\t:ok\t:read\tnil'].join('\n')),
    ).toBe(false);
  });

  test('readJepsenLog() names the line of a bad value', () => {
    const error = errorOf(() =>
      formats.get('jepsen-log')!.read('x\nINFO  jepsen.util - 0\t:invoke\t:write\t[1', 'j.log'),
    );
    expect([error.line, error.field]).toEqual([2, 'value']);
  });
});

describe("Porcupine's kv format", () => {
  test('porcupine-kv reads get/put/append with "" as the initial value', () => {
    const lines = [
      '{:process 0, :type :invoke, :f :get, :key "6", :value nil}',
      '{:process 0, :type :ok, :f :get, :key "6", :value ""}',
      '{:process 1, :type :invoke, :f :append, :key "6", :value "x 1 0 y"}',
      '{:process 1, :type :ok, :f :append, :key "6", :value "x 1 0 y"}',
      '{:process 0, :type :invoke, :f :get, :key "6", :value nil}',
    ];
    expect(
      check(
        'porcupine-kv',
        'kv',
        [...lines, '{:process 0, :type :ok, :f :get, :key "6", :value "x 1 0 y"}'].join('\n'),
      ),
    ).toBe(true);
    expect(
      check(
        'porcupine-kv',
        'kv',
        [...lines, '{:process 0, :type :ok, :f :get, :key "6", :value ""}'].join('\n'),
      ),
    ).toBe(false);
  });
});

describe('JSONL', () => {
  test('readJsonl() names file, line and field', () => {
    const error = errorOf(() =>
      readJsonl(
        '{"index":0,"time":0,"process":0,"type":"invoke","f":"read"}\n\n{"index":2,"time":"x","process":0,"type":"ok","f":"read"}',
        'h.jsonl',
      ),
    );
    expect([error.file, error.line, error.field]).toEqual(['h.jsonl', 3, 'time']);
    expect(errorOf(() => readJsonl('{oops', 'h.jsonl')).field).toBe('line');
  });

  test('readJsonl() skips blank lines, takes CRLF endings and a last line without a newline', () => {
    const text =
      '\r\n{"index":0,"time":5,"process":0,"type":"invoke","f":"read"}\r\n  \n' +
      '{"index":1,"process":0,"type":"ok","f":"read","key":7,"value":null}';
    expect(readJsonl(text, 'h.jsonl')).toEqual([
      { index: 0, time: 5, process: 0, type: 'invoke', f: 'read' },
      // No time: the index stands in; a numeric key becomes its text.
      { index: 1, time: 1, process: 0, type: 'ok', f: 'read', key: '7', value: null },
    ]);
    expect(
      errorOf(() => readJsonl('\n\n{"index":0,"time":0,"process":-1,"type":"ok","f":"read"}', 'h.jsonl'))
        .line,
    ).toBe(3);
  });
});

const event = fc.record({
  process: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant<'nemesis'>('nemesis')),
  type: fc.constantFrom<'invoke' | 'ok' | 'fail' | 'info'>('invoke', 'ok', 'fail', 'info'),
  f: fc.constantFrom('read', 'write', 'cas', 'put', 'append'),
  key: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
  value: fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 6 }),
    fc.array(fc.integer(), { maxLength: 3 }),
  ),
});

function indexed(events: Array<Omit<History[number], 'index' | 'time'>>): History {
  return events.map((item, index) => {
    const full = { index, time: index * 10, ...item };
    if (full.key === undefined) delete full.key;
    return full;
  });
}

describe('writers', () => {
  test.prop([fc.array(event, { maxLength: 20 })], { seed: 7, numRuns: 200 })(
    'writeJsonl() round-trips through readJsonl()',
    (events) => {
      const history = indexed(events);
      expect(readJsonl(writeJsonl(history), 'x')).toEqual(history);
    },
  );

  test.prop([fc.array(event, { maxLength: 20 })], { seed: 7, numRuns: 200 })(
    'writeEdnHistory() round-trips through readEdnHistory() (nil reads aside)',
    (events) => {
      const history = indexed(events).filter(
        (item) => !(item.type === 'ok' && (item.f === 'read' || item.f === 'get') && item.value === null),
      );
      expect(readEdnHistory(writeEdnHistory(history), 'x')).toEqual(history);
    },
  );
});

test.prop([fc.string({ unit: 'grapheme' })], { seed: 20261125, numRuns: 500 })(
  'decodeText() reads any text as UTF-8 does, ASCII or not',
  (text) => {
    const bytes = Buffer.from(text, 'utf8');
    expect(decodeText(bytes)).toBe(bytes.toString('utf8'));
    expect(decodeText(bytes)).toBe(text);
  },
);

test('decodeText() keeps non-ASCII values of a JSONL line', () => {
  const line = '{"index":0,"time":0,"process":0,"type":"invoke","f":"write","value":"café ☕"}\n';
  expect(readJsonl(decodeText(Buffer.from(line, 'utf8')), 'input')[0]!.value).toBe('café ☕');
  const ascii = '{"f":"x"}';
  expect(decodeText(Buffer.from(ascii, 'utf8'))).toBe(ascii);
});
