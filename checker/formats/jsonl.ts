// Our own history format (DESIGN.md): one JSON event per line.
import type { History } from '../history.js';
import { toEvent } from './event.js';
import { FormatError } from './format-error.js';

export function readJsonl(text: string, file: string): History {
  const history: History = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw new FormatError(file, i + 1, 'line', `not JSON (${(error as Error).message})`);
    }
    history.push(toEvent(record, { file, line: i + 1, position: history.length }));
  }
  return history;
}

export function writeJsonl(history: History): string {
  return history.map((event) => JSON.stringify(event)).join('\n') + (history.length > 0 ? '\n' : '');
}
