// Turns a decoded record (from JSON or EDN) into a validated HistoryEvent.
import type { EventType, HistoryEvent, Process } from '../history.js';
import { FormatError } from './format-error.js';

const eventTypes: ReadonlySet<string> = new Set(['invoke', 'ok', 'fail', 'info']);

export interface Place {
  file: string;
  line: number;
  /** Position in the history, used when the record has no index or time. */
  position: number;
}

function processOf(value: unknown, place: Place): Process {
  if (value === 'nemesis') return 'nemesis';
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new FormatError(
    place.file,
    place.line,
    'process',
    `expected a non-negative integer or "nemesis", got ${JSON.stringify(value)}`,
  );
}

export function toEvent(record: unknown, place: Place): HistoryEvent {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new FormatError(place.file, place.line, 'event', 'expected an object');
  }
  const fields = record as Record<string, unknown>;
  const process = processOf(fields.process, place);
  const type = fields.type;
  if (typeof type !== 'string' || !eventTypes.has(type)) {
    if (process === 'nemesis' && typeof type === 'string') {
      // Nemesis events use other types in some Jepsen versions; they carry no client semantics.
    } else {
      throw new FormatError(
        place.file,
        place.line,
        'type',
        `expected invoke, ok, fail or info, got ${JSON.stringify(type)}`,
      );
    }
  }
  const f = fields.f;
  if (typeof f !== 'string') {
    throw new FormatError(place.file, place.line, 'f', `expected a string, got ${JSON.stringify(f)}`);
  }
  const index = fields.index ?? place.position;
  if (typeof index !== 'number' || !Number.isFinite(index)) {
    throw new FormatError(place.file, place.line, 'index', `expected a number, got ${JSON.stringify(index)}`);
  }
  const time = fields.time ?? index;
  if (typeof time !== 'number' || !Number.isFinite(time)) {
    throw new FormatError(place.file, place.line, 'time', `expected a number, got ${JSON.stringify(time)}`);
  }
  const key = fields.key;
  if (key !== undefined && key !== null && typeof key !== 'string' && typeof key !== 'number') {
    throw new FormatError(place.file, place.line, 'key', `expected a string, got ${JSON.stringify(key)}`);
  }
  // A record already in the event's shape (every field given, the key a string or absent)
  // is the event: no copy to make, and nothing more for the collector (a JSONL history is
  // one such record a line). Fields beyond the event's are kept, as read.
  if (fields.index === index && fields.time === time && (key === undefined || typeof key === 'string'))
    return record as HistoryEvent;
  const event: HistoryEvent = { index, time, process, type: type as EventType, f };
  if (key !== undefined && key !== null) event.key = String(key);
  if (fields.value !== undefined) event.value = fields.value;
  return event;
}
