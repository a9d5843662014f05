// The typed error for a configuration that cannot work. Raised at construction, before
// anything starts, with one message naming the field and its current value, so the CLI
// can print it as one line and exit 254.

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    requirement: string,
  ) {
    super(`Cannot use '${field}' = ${formatValue(value)}: ${requirement}`);
  }
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Rejects a value that is not a positive safe integer. */
export function requirePositiveInteger(field: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(field, value, 'it must be a positive integer');
  }
}
