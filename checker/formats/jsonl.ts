// Our own history format (DESIGN.md): one JSON event per line.
import type { History } from '../history.js';
import { toEvent } from './event.js';
import { FormatError } from './format-error.js';

const openBrace = '{'.charCodeAt(0);

export function readJsonl(text: string, file: string): History {
  const history: History = [];
  // Line by line without splitting the text first (no array of every line held at once)
  // nor trimming each line (JSON.parse skips the whitespace around a value itself).
  let line = 0;
  // One place for every line: toEvent reads it only to name where an error is.
  const place = { file, line, position: 0 };
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
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
