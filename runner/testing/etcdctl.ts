// Runs the real `etcdctl` (API v3) as a child process with a bounded lifetime, for the
// real suites and for the process cluster's health wait. Every call resolves with the
// exit code and both outputs; it never throws for a non-zero exit, because the compat
// tests compare error texts too.

import { spawn } from 'node:child_process';

export interface EtcdctlResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the call ran out of time and was killed. */
  readonly timedOut: boolean;
}

export interface EtcdctlOptions {
  /** Client endpoints, passed as --endpoints. */
  readonly endpoints: readonly string[];
  /** Text written to etcdctl's stdin (for `txn -i`); stdin is closed at once when absent. */
  readonly stdin?: string;
  /** Default 10 s; the child gets SIGKILL after it. */
  readonly timeoutMs?: number;
  /** Default `etcdctl` from PATH. */
  readonly binary?: string;
}

const defaultTimeoutMs = 10_000;
/** etcdctl output past this is cut, so a runaway watch cannot fill memory. */
const outputCharsMax = 1_000_000;

export function etcdctl(args: readonly string[], options: EtcdctlOptions): Promise<EtcdctlResult> {
  const child = spawn(
    options.binary ?? 'etcdctl',
    [`--endpoints=${options.endpoints.join(',')}`, '--dial-timeout=2s', ...args],
    { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (stdout.length < outputCharsMax) stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < outputCharsMax) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => {
    // etcdctl may exit before reading its stdin (a bad flag); the exit code tells why.
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? defaultTimeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, timedOut });
    });
  });
}

export interface WatchUntilOptions extends EtcdctlOptions {
  /** The watch is killed as soon as this many non-empty stdout lines arrived. */
  readonly linesExpected: number;
}

/**
 * Runs a long-lived command (watch, lease keep-alive) until `linesExpected` lines have
 * arrived or the timeout passes, then kills it. `started` resolves once the child is
 * running, so the caller can write the events the watch should see.
 */
export function etcdctlUntilLines(
  args: readonly string[],
  options: WatchUntilOptions,
): { readonly started: Promise<void>; readonly result: Promise<EtcdctlResult> } {
  const child = spawn(
    options.binary ?? 'etcdctl',
    [`--endpoints=${options.endpoints.join(',')}`, '--dial-timeout=2s', ...args],
    { env: { ...process.env, ETCDCTL_API: '3' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  child.stdin.end(options.stdin ?? '');
  const started = new Promise<void>((resolve) => child.once('spawn', () => resolve()));
  const result = new Promise<EtcdctlResult>((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? defaultTimeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < outputCharsMax) stdout += chunk.toString('utf8');
      const lines = stdout.split('\n').filter((line) => line.length > 0).length;
      if (lines >= options.linesExpected) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < outputCharsMax) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, stdout, stderr, timedOut });
    });
  });
  return { started, result };
}
