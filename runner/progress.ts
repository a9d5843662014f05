// Progress of a long command: on a terminal a cli-progress bar (done / total and what
// is running now), redrawn in place; elsewhere (CI logs, pipes) plain lines, one per
// finished item and one every `lineEveryMs` while items run, so a log shows steady
// progress without a line per redraw.

import cliProgress from 'cli-progress';

export interface ProgressState {
  readonly done: number;
  /** What is running now, e.g. run names with their virtual time. */
  readonly current: readonly string[];
}

export interface Progress {
  update(state: ProgressState): void;
  /** A line about a finished item; printed above the bar on a terminal. */
  finished(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly total: number;
  /** Draw a bar (stdout is a terminal) or print plain lines. */
  readonly tty: boolean;
  /** Plain lines go here. */
  readonly write: (text: string) => void;
  /** Where the bar draws. Default process.stdout. */
  readonly stream?: NodeJS.WritableStream;
  /** Milliseconds between plain progress lines. Default 10,000. */
  readonly lineEveryMs?: number;
  /** Wall clock for the plain lines' period. Default Date.now. */
  readonly nowMs?: () => number;
  /** What `done` and `total` count, after the numbers on the bar. Default "runs". */
  readonly unit?: string;
}

/** Characters of the "running" column on the bar; longer lists are cut. */
const currentCharsMax = 60;

/** Whether a command writing to `process.stdout` should draw a bar: a terminal, not CI. */
export function stdoutIsTerminal(): boolean {
  return process.stdout.isTTY === true && process.env.CI === undefined;
}

function currentText(current: readonly string[]): string {
  const joined = current.join(', ');
  return joined.length > currentCharsMax ? `${joined.slice(0, currentCharsMax - 1)}…` : joined;
}

function barProgress(options: ProgressOptions): Progress {
  const bar = new cliProgress.SingleBar(
    {
      format: `{bar} {value}/{total} ${options.unit ?? 'runs'} | {duration_formatted} | {current}`,
      stream: options.stream ?? process.stdout,
      hideCursor: true,
      clearOnComplete: true,
      // A non-terminal stream (tests) still renders, for the caller who asked for a bar.
      noTTYOutput: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { current: '' });
  return {
    update(state) {
      bar.update(state.done, { current: currentText(state.current) });
    },
    finished(line) {
      // cli-progress has no "print above": clear the bar's line, write, redraw.
      (options.stream ?? process.stdout).write(`\r\u001b[2K${line}\n`);
      bar.render();
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(options: ProgressOptions): Progress {
  const nowMs = options.nowMs ?? Date.now;
  const lineEveryMs = options.lineEveryMs ?? 10_000;
  let lastLineMs = nowMs();
  return {
    update(state) {
      if (nowMs() - lastLineMs < lineEveryMs) return;
      lastLineMs = nowMs();
      const running = state.current.length === 0 ? '' : `; running ${state.current.join(', ')}`;
      options.write(`  ${state.done}/${options.total} ${options.unit ?? 'runs'} done${running}\n`);
    },
    finished(line) {
      options.write(`${line}\n`);
    },
    stop() {},
  };
}

export function createProgress(options: ProgressOptions): Progress {
  return options.tty ? barProgress(options) : lineProgress(options);
}
