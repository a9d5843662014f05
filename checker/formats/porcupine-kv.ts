// Porcupine's key-value test format: EDN maps one per line,
// `{:process 0, :type :invoke, :f :get, :key "6", :value nil}`, with get/put/append.
// Porcupine's kv model starts every key at "" and a get returns the current string
// (never nil); an invoke with no ok is crashed.
import type { History } from '../history.js';
import { readEdnForms } from './edn.js';
import { toEvent } from './event.js';
import type { HistoryFormat } from './format.js';

export function readPorcupineKv(text: string, file: string): History {
  return readEdnForms(text, file).map((form, position) =>
    toEvent(form.value, { file, line: form.line, position }),
  );
}

export const porcupineKvFormat: HistoryFormat = {
  read: (text, file) => ({ history: readPorcupineKv(text, file), modelOptions: { initialValue: '' } }),
};
