// Where test-all's runs execute. A sim run is CPU-bound on one thread (the simulator
// steps its queue with setImmediate), so parallel runs need parallel processes: the
// child executor keeps one forked `matrix-child.js` per job and hands it one run at a
// time over IPC. The in-process executor runs in the calling process: for `--jobs 1`,
// for tests, and when no compiled child exists (running from sources). Both store each
// run exactly as `etcd-chaos test` does (storeSimRun).

import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Verdict } from '../checker/index.js';
import type { CommandIo } from './commands/command.js';
import type { MatrixRun } from './matrix.js';
import type { SimProgress, SimTestOptions, SimTestResult } from './run-sim.js';
import { storeSimRun, testCommandOf } from './sim-run-store.js';

export interface MatrixRunSummary {
  readonly verdict: Verdict;
  readonly opCount: number;
  readonly faultCount: number;
  readonly directory: string;
  readonly historyHash: string;
  readonly testCommand: string;
}

export type MatrixRunOutcome =
  | { readonly type: 'done'; readonly summary: MatrixRunSummary; readonly wallMs: number }
  | { readonly type: 'crashed'; readonly message: string; readonly wallMs: number };

/** Runs one matrix cell at a time. */
export interface MatrixExecutor {
  run(run: MatrixRun, onProgress: (progress: SimProgress) => void): Promise<MatrixRunOutcome>;
  close(): void;
}

/** Messages between test-all and a child. */
export type ChildRequest = { type: 'run'; options: SimTestOptions; store: string };
export type ChildReply =
  | { type: 'progress'; progress: SimProgress }
  | { type: 'done'; summary: MatrixRunSummary }
  | { type: 'failed'; message: string };

/** Wall time one run may take before its child is killed (a sim run takes seconds). */
export const runWallMsMax = 600_000;
/** Characters of a child's stderr kept for a crash message. */
const stderrCharsMax = 4_000;

/** Output a run in a matrix does not print: the summary table says what matters. */
export const quietIo: CommandIo = {
  stdout: () => {},
  stderr: () => {},
  readFile: () => Promise.reject(new Error('a matrix run reads no files')),
};

/** What test-all shows of a stored run, sim or cluster, with the command that reruns it. */
export function summaryOf(
  stored: {
    readonly result: Pick<SimTestResult, 'results' | 'opCount' | 'faultCount' | 'historyHash'>;
    readonly directory: string;
  },
  testCommand: string,
): MatrixRunSummary {
  return {
    verdict: stored.result.results.valid,
    opCount: stored.result.opCount,
    faultCount: stored.result.faultCount,
    directory: stored.directory,
    historyHash: stored.result.historyHash,
    testCommand,
  };
}

/** A failed run's message for the summary table. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function inProcessExecutor(store: string): MatrixExecutor {
  return {
    async run(run, onProgress) {
      const startMs = Date.now();
      try {
        const stored = await storeSimRun(run.options, {
          store,
          io: quietIo,
          onProgress,
          refreshIndex: false,
        });
        return {
          type: 'done',
          summary: summaryOf(stored, testCommandOf(run.options)),
          wallMs: Date.now() - startMs,
        };
      } catch (error) {
        return { type: 'crashed', message: messageOf(error), wallMs: Date.now() - startMs };
      }
    },
    close() {},
  };
}

/** The compiled child entry beside this file, if this is the compiled build. */
export function childEntryPath(): string | undefined {
  const path = fileURLToPath(new URL('./matrix-child.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** One forked child running one run at a time; a child that died is replaced on the next run. */
export function childProcessExecutor(store: string, entryPath: string): MatrixExecutor {
  let child: ChildProcess | undefined;
  let stderr = '';
  const spawnChild = (): ChildProcess => {
    const started = fork(entryPath, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-stderrCharsMax);
    });
    return started;
  };
  return {
    run(run, onProgress) {
      const startMs = Date.now();
      const current = child ?? spawnChild();
      child = current;
      return new Promise<MatrixRunOutcome>((resolve) => {
        const finish = (outcome: MatrixRunOutcome): void => {
          clearTimeout(timer);
          current.off('message', onMessage);
          current.off('exit', onExit);
          resolve(outcome);
        };
        const crash = (message: string): void => {
          if (child === current) child = undefined;
          current.kill('SIGKILL');
          finish({ type: 'crashed', message, wallMs: Date.now() - startMs });
        };
        const onMessage = (reply: ChildReply): void => {
          if (reply.type === 'progress') onProgress(reply.progress);
          else if (reply.type === 'done')
            finish({ type: 'done', summary: reply.summary, wallMs: Date.now() - startMs });
          else finish({ type: 'crashed', message: reply.message, wallMs: Date.now() - startMs });
        };
        const onExit = (code: number | null, signal: string | null): void =>
          crash(`the run's process exited (${signal ?? code}): ${stderr.trim().split('\n').at(-1) ?? ''}`);
        const timer = setTimeout(
          () => crash(`the run took over ${runWallMsMax / 1000} s of wall time`),
          runWallMsMax,
        );
        current.on('message', onMessage);
        current.on('exit', onExit);
        const request: ChildRequest = { type: 'run', options: run.options, store };
        current.send(request);
      });
    },
    close() {
      child?.disconnect();
      child = undefined;
    },
  };
}
