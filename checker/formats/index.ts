// The format registry: adding a format is one file and one line here.
import { ednFormat } from './edn-history.js';
import type { HistoryFormat } from './format.js';
import { jepsenLogFormat } from './jepsen-log.js';
import { readJsonl } from './jsonl.js';
import { porcupineKvFormat } from './porcupine-kv.js';

export const formats: ReadonlyMap<string, HistoryFormat> = new Map<string, HistoryFormat>([
  ['jsonl', { read: (text, file) => ({ history: readJsonl(text, file), modelOptions: {} }) }],
  ['edn', ednFormat],
  ['jepsen-log', jepsenLogFormat],
  ['porcupine-kv', porcupineKvFormat],
]);

export { writeEdnHistory } from './edn-history.js';
export type { HistoryFormat } from './format.js';
export { FormatError } from './format-error.js';
export { writeJsonl } from './jsonl.js';
export { decodeText } from './text.js';
