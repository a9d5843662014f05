// Escaping for everything that goes into a page: history strings are user data and may
// hold markup (a key named "<script>"), so nothing reaches HTML unescaped.

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => htmlEscapes[character]!);
}

/**
 * JSON for an inline `<script type="application/json">` block: `<`, `>` and `&` become
 * \u escapes so no string can close the script element, and U+2028/U+2029 are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A short, display-ready rendering of any history value. */
export function showValue(value: unknown, charsMax: number): string {
  let text: string;
  if (value === undefined) text = '';
  else if (typeof value === 'string') text = JSON.stringify(value);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > charsMax ? `${text.slice(0, charsMax - 1)}…` : text;
}

/** "1 checker", "3 checkers": counts read as sentences. */
export function countOf(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
