// What process mode needs on this machine, checked before anything starts so a missing
// tool is one line and exit 254: Toxiproxy's server, etcdctl (the health waits), and
// either this repo's built etcd-ts or Debian's etcd plus what its per-link proxies need
// (util-linux's unshare and root, for the private /etc/hosts; see process-cluster.ts).
// Also the launchers the process- and docker-mode runs use, and docker mode's check.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerCluster } from './docker-cluster.js';
import { type ProcessNodeCluster, startProcessNodeCluster } from './process-node-cluster.js';
import { repoRoot } from './process-support.js';
import type { ClusterEnvironmentOptions, ClusterTestOptions } from './run-cluster.js';
import { toxiproxyAvailable, toxiproxyBinaryDefault } from './toxiproxy.js';

function runs(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 5_000 });
  return result.error === undefined && result.status === 0;
}

/** One line saying what is missing, or undefined when process mode can run `options`. */
export function processPrerequisiteProblem(options: ClusterTestOptions): string | undefined {
  if (!toxiproxyAvailable()) {
    return `${toxiproxyBinaryDefault} not found: process mode needs Toxiproxy (run scripts/install-real.sh)`;
  }
  if (!runs('etcdctl', ['version']))
    return 'etcdctl not found: process mode waits for health with it (run scripts/install-real.sh)';
  if (options.db === 'etcd-ts') {
    const entry = join(repoRoot, 'dist', 'server', 'main.js');
    if (!existsSync(entry)) return `${entry} is missing: run npm run build first`;
    return undefined;
  }
  if (!runs('etcd', ['--version']))
    return "etcd not found: --db etcd needs Debian's etcd-server (run scripts/install-real.sh)";
  if (!runs('unshare', ['--version']))
    return 'unshare not found: --db etcd routes peers through Toxiproxy with unshare (util-linux)';
  if (process.getuid?.() !== 0) {
    return '--db etcd needs root: each member gets its own /etc/hosts (unshare --mount) so it dials its peers through Toxiproxy';
  }
  return undefined;
}

/** One line saying what docker mode misses (Toxiproxy, a Docker engine), or undefined. */
export function dockerPrerequisiteProblem(): string | undefined {
  if (!toxiproxyAvailable()) {
    return `${toxiproxyBinaryDefault} not found: docker mode needs Toxiproxy (run scripts/install-real.sh)`;
  }
  if (!runs('docker', ['version']))
    return 'docker not reachable: docker mode needs a Docker engine (scripts/install-docker.sh)';
  if (!runs('etcdctl', ['version']))
    return 'etcdctl not found: docker mode waits for health with it (run scripts/install-real.sh)';
  return undefined;
}

/**
 * Docker mode's members: containers from docker-cluster.ts, loaded only when asked for;
 * etcd-ts containers with a fault-control endpoint (clock and disk faults), as in process mode.
 */
export function dockerLauncher(): ClusterEnvironmentOptions {
  let started: DockerCluster | undefined;
  return {
    launch: async (options) => {
      const { startDockerCluster } = await import('./docker-cluster.js');
      started = await startDockerCluster({ ...options, faultControl: options.kind === 'etcd-ts' });
      return started;
    },
    faultControlOf: (_cluster, member) => started?.faultControlOf(member),
  };
}

/** Process mode's members: child processes, etcd-ts ones with a clock-control endpoint. */
export function processLauncher(): ClusterEnvironmentOptions {
  let started: ProcessNodeCluster | undefined;
  return {
    launch: async (options) => {
      started = await startProcessNodeCluster({ ...options, faultControl: options.kind === 'etcd-ts' });
      return started;
    },
    faultControlOf: (_cluster, member) => started?.faultControlOf(member),
  };
}
