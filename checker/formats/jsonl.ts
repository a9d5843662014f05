// Our own history format (DESIGN.md): one JSON event per line.
import type { EventType, History, HistoryEvent } from '../history.js';
import { toEvent } from './event.js';
import { FormatError } from './format-error.js';

const openBrace = '{'.charCodeAt(0);

/**
 * A line as our writers print an event: the fields in order, integers of at most 16
 * digits (always finite; the time may have a fraction: clients record milliseconds),
 * strings with no escapes or control characters, and a value that is such a string,
 * such an integer or null. Such a line holds a valid event whose fields the match gives,
 * so it is read without JSON.parse and toEvent (a few times faster: JSON.parse took
 * 0.5 µs a line on bench:checker's files, most of the check); any other line takes them.
 * Sticky: it matches at `lastIndex` only.
 */
const canonicalLine =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON strings hold no raw control characters; such lines go to JSON.parse, which refuses them.
  /\{"index":(0|[1-9]\d{0,15}),"time":((?:0|[1-9]\d{0,15})(?:\.\d{1,17})?),"process":(0|[1-9]\d{0,15}),"type":"(invoke|ok|fail|info)","f":"([^"\\\x00-\x1f]*)"(?:,"key":"([^"\\\x00-\x1f]*)")?(?:,"value":(?:"([^"\\\x00-\x1f]*)"|(-?(?:0|[1-9]\d{0,15}))|(null)))?\}(?:\n|$)/y;

/** The event of a `canonicalLine` match: what JSON.parse gives for the line, field for field. */
function canonicalEvent(match: RegExpExecArray, names: Map<string, string>): HistoryEvent {
  const index = Number(match[1]);
  const time = Number(match[2]);
  const process = Number(match[3]);
  const type = eventTypeOf(match[4]!);
  const f = shared(names, match[5]!);
  const key = match[6] === undefined ? undefined : shared(names, match[6]);
  const value = canonicalValue(match);
  if (key === undefined) {
    return value === undefined ? { index, time, process, type, f } : { index, time, process, type, f, value };
  }
  return value === undefined
    ? { index, time, process, type, f, key }
    : { index, time, process, type, f, key, value };
}

function eventTypeOf(text: string): EventType {
  return text === 'invoke' ? 'invoke' : text === 'ok' ? 'ok' : text === 'fail' ? 'fail' : 'info';
}

/** The one copy of `name` kept in `names` (bounded: past it, `name` itself). */
function shared(names: Map<string, string>, name: string): string {
  const known = names.get(name);
  if (known !== undefined) return known;
  if (names.size < 65_536) names.set(name, name);
  return name;
}

/** The value of a `canonicalLine` match: a string, an integer, null, or none. */
function canonicalValue(match: RegExpExecArray): unknown {
  if (match[7] !== undefined) return match[7];
  if (match[8] !== undefined) return Number(match[8]);
  return match[9] !== undefined ? null : undefined;
}

export function readJsonl(text: string, file: string): History {
  const history: History = [];
  const names = new Map<string, string>();
  // Line by line without splitting the text first (no array of every line held at once)
  // nor trimming each line (JSON.parse skips the whitespace around a value itself).
  let line = 0;
  // One place for every line: toEvent reads it only to name where an error is.
  const place = { file, line, position: 0 };
  for (let start = 0; start < text.length; ) {
    line++;
    canonicalLine.lastIndex = start;
    const match = canonicalLine.exec(text);
    if (match !== null) {
      history.push(canonicalEvent(match, names));
      start = canonicalLine.lastIndex;
      continue;
    }
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const lineText = text.slice(start, end);
    // A line that opens an object is not blank: no need to trim it to see.
    const blank = text.charCodeAt(start) !== openBrace && lineText.trim() === '';
    start = end + 1;
    if (blank) continue;
    let record: unknown;
    try {
      record = JSON.parse(lineText);
    } catch (error) {
      throw new FormatError(file, line, 'line', `not JSON (${(error as Error).message})`);
    }
    place.line = line;
    place.position = history.length;
    history.push(toEvent(record, place));
  }
  return history;
}

export function writeJsonl(history: History): string {
  return history.map((event) => JSON.stringify(event)).join('\n') + (history.length > 0 ? '\n' : '');
}
