// A small EDN reader and writer, enough for Jepsen/Knossos histories: vectors, lists,
// maps, sets, keywords, strings, numbers, nil/true/false, symbols, characters, tagged
// literals, `;` comments and `#_` discards; commas are whitespace. Keywords and symbols
// read as strings without the colon; vectors, lists and sets read as arrays.
import { FormatError } from './format-error.js';

export type EdnValue = null | boolean | number | string | EdnValue[] | { [key: string]: EdnValue };

const closers: Record<string, string> = { '[': ']', '(': ')', '{': '}' };
const delimiters = new Set([' ', '\t', '\n', '\r', ',', '[', ']', '(', ')', '{', '}', '"', ';']);
/** Nesting deeper than this is rejected rather than risking the stack. */
export const ednDepthMax = 200;

export class EdnReader {
  private at = 0;
  line = 1;

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  private fail(problem: string): never {
    throw new FormatError(this.file, this.line, 'edn', problem);
  }

  /** Skips whitespace, commas and comments; returns false at the end of the text. */
  skipBlanks(): boolean {
    const text = this.text;
    while (this.at < text.length) {
      const c = text[this.at]!;
      if (c === '\n') {
        this.line++;
        this.at++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ',') {
        this.at++;
      } else if (c === ';') {
        while (this.at < text.length && text[this.at] !== '\n') this.at++;
      } else if (c === '#' && text[this.at + 1] === '_') {
        this.at += 2;
        this.read();
      } else {
        return true;
      }
    }
    return false;
  }

  peek(): string | undefined {
    return this.skipBlanks() ? this.text[this.at] : undefined;
  }

  read(depth = 0): EdnValue {
    if (depth > ednDepthMax) this.fail(`nested deeper than ${ednDepthMax}`);
    if (!this.skipBlanks()) this.fail('unexpected end of input');
    const c = this.text[this.at]!;
    if (c === '[' || c === '(') return this.readSequence(closers[c]!, depth);
    if (c === '{') return this.readMap(depth);
    if (c === '"') return this.readString();
    if (c === '#') {
      if (this.text[this.at + 1] === '{') {
        this.at++;
        return this.readSequence('}', depth);
      }
      this.at++;
      this.readToken(); // the tag, e.g. #inst or #jepsen.history.Op: the value that follows is what we keep
      return this.read(depth + 1);
    }
    if (c === ']' || c === ')' || c === '}') this.fail(`unexpected '${c}'`);
    if (c === '\\') {
      this.at++;
      const token = this.readToken();
      return token.length === 1 ? token : ({ newline: '\n', space: ' ', tab: '\t' }[token] ?? token);
    }
    return this.atom(this.readToken());
  }

  private readToken(): string {
    const start = this.at;
    while (this.at < this.text.length && !delimiters.has(this.text[this.at]!)) this.at++;
    if (this.at === start) this.at++;
    return this.text.slice(start, this.at);
  }

  private atom(token: string): EdnValue {
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (token.startsWith(':')) return token.slice(1);
    if (/^[+-]?\d/.test(token)) {
      const number = Number(token.replace(/[NM]$/, ''));
      if (Number.isNaN(number)) this.fail(`bad number '${token}'`);
      return number;
    }
    return token;
  }

  private readString(): string {
    const text = this.text;
    let result = '';
    this.at++;
    while (this.at < text.length) {
      const c = text[this.at++]!;
      if (c === '"') return result;
      if (c === '\n') this.line++;
      if (c !== '\\') {
        result += c;
        continue;
      }
      const escaped = text[this.at++];
      if (escaped === 'n') result += '\n';
      else if (escaped === 't') result += '\t';
      else if (escaped === 'r') result += '\r';
      else if (escaped === 'u') {
        result += String.fromCharCode(Number.parseInt(text.slice(this.at, this.at + 4), 16));
        this.at += 4;
      } else if (escaped === undefined) this.fail('unterminated string');
      else result += escaped;
    }
    return this.fail('unterminated string');
  }

  private readSequence(closer: string, depth: number): EdnValue[] {
    this.at++;
    const items: EdnValue[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail(`missing '${closer}'`);
      if (c === closer) {
        this.at++;
        return items;
      }
      items.push(this.read(depth + 1));
    }
  }

  private readMap(depth: number): { [key: string]: EdnValue } {
    const items = this.readSequence('}', depth);
    if (items.length % 2 !== 0) this.fail('a map needs an even number of forms');
    const map: { [key: string]: EdnValue } = {};
    for (let i = 0; i < items.length; i += 2) {
      const key = items[i]!;
      map[typeof key === 'string' ? key : JSON.stringify(key)] = items[i + 1]!;
    }
    return map;
  }
}

/** Reads every top-level form; each comes with the line it starts on. */
export function readEdnForms(text: string, file: string): Array<{ value: EdnValue; line: number }> {
  const reader = new EdnReader(text, file);
  const forms: Array<{ value: EdnValue; line: number }> = [];
  while (reader.peek() !== undefined) {
    const line = reader.line;
    forms.push({ value: reader.read(), line });
  }
  return forms;
}

/** Writes a JSON value as EDN; `keywords` names map keys whose string values are keywords. */
export function writeEdn(value: unknown, keywords: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => writeEdn(item)).join(' ')}]`;
  const fields = Object.entries(value as Record<string, unknown>).map(([key, item]) => {
    const written = typeof item === 'string' && keywords.has(key) ? `:${item}` : writeEdn(item);
    return `:${key} ${written}`;
  });
  return `{${fields.join(', ')}}`;
}
