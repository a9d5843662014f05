// Jepsen log lines: `INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>`, tabs or
// spaces. Lines without `jepsen.util -` are other log output and are skipped. These
// logs are what Porcupine's Jepsen etcd tests read, so we use its semantics: a nil read
// means the key is absent (the initial value, nil), and a read that fails or crashes
// tells nothing.
import type { History } from '../history.js';
import { EdnReader } from './edn.js';
import { toEvent } from './event.js';
import type { HistoryFormat } from './format.js';
import { FormatError } from './format-error.js';

const linePattern = /jepsen\.util\s+-\s+(\S+)\s+(\S+)\s+(\S+)\s*(.*)$/;

export function readJepsenLog(text: string, file: string): History {
  const history: History = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('jepsen.util')) continue;
    const match = linePattern.exec(line);
    if (match === null)
      throw new FormatError(file, i + 1, 'line', 'expected "jepsen.util - <process> :<type> :<f> <value>"');
    const [, processText, typeText, fText, valueText] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const process = processText === ':nemesis' || processText === 'nemesis' ? 'nemesis' : Number(processText);
    if (!typeText.startsWith(':'))
      throw new FormatError(file, i + 1, 'type', `expected a keyword, got ${typeText}`);
    let value: unknown = null;
    if (valueText.trim() !== '') {
      try {
        value = new EdnReader(valueText, file).read();
      } catch {
        // Nemesis values are free text in some logs; client values must parse.
        if (process !== 'nemesis')
          throw new FormatError(file, i + 1, 'value', `not an EDN value: ${valueText}`);
        value = valueText.trim();
      }
    }
    const record = { process, type: typeText.slice(1), f: fText.replace(/^:/, ''), value };
    history.push(toEvent(record, { file, line: i + 1, position: history.length }));
  }
  return history;
}

export const jepsenLogFormat: HistoryFormat = {
  read: (text, file) => ({ history: readJepsenLog(text, file), modelOptions: {} }),
};
