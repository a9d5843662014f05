// Docker mode cleans up after itself instead of relying on testcontainers' reaper (Ryuk
// needs an image from a registry, and none is reachable): every container and network
// docker mode creates carries the `etcd-chaos` label, its run id and the pid of the
// process that made it. An exit hook removes a live run's containers; the next start
// removes those of runs whose process is gone (a crash, a SIGKILL'd test runner), and
// never touches a run whose owner still lives (another test running at the same time).

import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { dockerLabel } from './docker-images.js';

const run = promisify(execFile);

export const runLabel = 'etcd-chaos.run';
export const ownerPidLabel = 'etcd-chaos.pid';
/** Leftover containers removed in one call; more is a runaway loop somewhere. */
const leftoversMax = 1000;

/** The labels of everything a run creates. */
export function labelsOf(runId: string): Record<string, string> {
  return { [dockerLabel]: '1', [runLabel]: runId, [ownerPidLabel]: String(process.pid) };
}

/** Containers of live runs in this process, by run id, removed by the exit hook. */
const liveRuns = new Map<string, readonly string[]>();
let exitHookInstalled = false;

/** Registers a run's containers for removal when this process exits before stop(). */
export function trackRun(runId: string, containerIds: readonly string[]): void {
  liveRuns.set(runId, containerIds);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    const ids = [...liveRuns.values()].flat();
    if (ids.length === 0) return;
    try {
      // Exit hooks must be synchronous; a failure here is mopped up by the next start.
      execFileSync('docker', ['rm', '--force', '--volumes', ...ids], { stdio: 'ignore', timeout: 20_000 });
    } catch {}
  });
}

export function untrackRun(runId: string): void {
  liveRuns.delete(runId);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Labelled containers and networks whose owner process is gone; removes them and returns how many. */
export async function removeLeftovers(): Promise<{ containers: number; networks: number }> {
  const stale = async (kind: 'container' | 'network'): Promise<string[]> => {
    const listArgs =
      kind === 'container'
        ? [
            'ps',
            '--all',
            '--filter',
            `label=${dockerLabel}`,
            '--format',
            `{{.ID}} {{.Label "${ownerPidLabel}"}}`,
          ]
        : [
            'network',
            'ls',
            '--filter',
            `label=${dockerLabel}`,
            '--format',
            `{{.ID}} {{.Label "${ownerPidLabel}"}}`,
          ];
    const { stdout } = await run('docker', listArgs);
    return stdout
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([id, pid]) => id !== undefined && id !== '' && !isAlive(Number(pid)))
      .map(([id]) => id!)
      .slice(0, leftoversMax);
  };
  const containers = await stale('container');
  if (containers.length > 0) await run('docker', ['rm', '--force', '--volumes', ...containers]);
  const networks = await stale('network');
  if (networks.length > 0) await run('docker', ['network', 'rm', ...networks]);
  return { containers: containers.length, networks: networks.length };
}

/** Ids of every container carrying `runId`'s label, running or not. */
export async function containersOfRun(runId: string): Promise<string[]> {
  const { stdout } = await run('docker', [
    'ps',
    '--all',
    '--quiet',
    '--filter',
    `label=${runLabel}=${runId}`,
  ]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}
