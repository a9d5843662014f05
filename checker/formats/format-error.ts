// The typed error for malformed input: it names the file, the line and the field.
export class FormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${field}: ${problem}`);
    this.name = 'FormatError';
  }
}
