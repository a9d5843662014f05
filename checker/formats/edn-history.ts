// Jepsen/Knossos EDN histories: one vector or list of op maps, or op maps one after
// another (Jepsen's history.edn). Knossos semantics: an ok read whose value is nil says
// nothing about the register ("we don't know what the read was"), so it is read as a
// crashed read, which constrains nothing; the initial value is nil.
import type { History, HistoryEvent } from '../history.js';
import { readEdnForms, writeEdn } from './edn.js';
import { toEvent } from './event.js';
import type { HistoryFormat } from './format.js';

function isReadLike(f: string): boolean {
  return f === 'read' || f === 'get';
}

export function readEdnHistory(text: string, file: string): History {
  const forms = readEdnForms(text, file);
  const records: Array<{ value: unknown; line: number }> = [];
  for (const form of forms) {
    if (Array.isArray(form.value)) {
      for (const value of form.value) records.push({ value, line: form.line });
    } else {
      records.push(form);
    }
  }
  return records.map((record, position) => {
    const event = toEvent(record.value, { file, line: record.line, position });
    if (event.type === 'ok' && isReadLike(event.f) && (event.value === null || event.value === undefined)) {
      return { ...event, type: 'info' } satisfies HistoryEvent;
    }
    return event;
  });
}

const keywordFields: ReadonlySet<string> = new Set(['type', 'f']);

export function writeEdnHistory(history: History): string {
  return history
    .map((event) => {
      const { process, ...rest } = event;
      const written = writeEdn({ ...rest }, keywordFields);
      const processText = process === 'nemesis' ? ':nemesis' : String(process);
      return `{:process ${processText}, ${written.slice(1)}`;
    })
    .join('\n')
    .concat(history.length > 0 ? '\n' : '');
}

export const ednFormat: HistoryFormat = {
  read: (text, file) => ({ history: readEdnHistory(text, file), modelOptions: {} }),
};
