// A problem found while reading a run directory: what is missing or broken, and where.
export interface Problem {
  file: string;
  /** 1-based line, when the problem is on one line of a line-oriented file. */
  line?: number;
  field?: string;
  message: string;
}

export function problemAt(
  file: string,
  details: { line?: number; field?: string; message: string },
): Problem {
  return { file, ...details };
}

/** "history.jsonl line 7, field type: expected ..." — the wording every page uses. */
export function describeProblem(problem: Problem): string {
  const line = problem.line === undefined ? '' : ` line ${problem.line}`;
  const field = problem.field === undefined ? '' : `, field ${problem.field}`;
  return `${problem.file}${line}${field}: ${problem.message}`;
}
