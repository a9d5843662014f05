// Docker mode's cluster against the real engine: for etcd-ts and for Debian's etcd, three
// containers start from the locally built images, serve a write and a read, keep their
// data across `docker kill` + start, keep serving while one member is paused, and leave
// no labelled container behind. Needs a Docker engine (scripts/install-docker.sh),
// etcdctl and `npm run build`.

import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, test } from 'vitest';
import { removeLeftovers } from './docker-cleanup.js';
import { type DockerCluster, startDockerCluster } from './docker-cluster.js';
import { buildImage, imageTags } from './docker-images.js';
import type { SutKind } from './node-cluster.js';
import { etcdctl } from './testing/etcdctl.js';

const clusters: DockerCluster[] = [];

afterAll(async () => {
  for (const cluster of clusters) await cluster.stop();
});

function labelledContainers(runId: string): string[] {
  return execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=etcd-chaos.run=${runId}`], {
    encoding: 'utf8',
  })
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Attempts of one etcdctl command: a request in flight to a leader that was just killed times out. */
const attemptsMax = 5;

async function ok(args: string[], endpoints: readonly string[]): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < attemptsMax; attempt++) {
    const result = await etcdctl(args, { endpoints, timeoutMs: 15_000 });
    if (result.exitCode === 0 && !/Error/.test(result.stderr)) return result.stdout;
    last = result.stderr;
  }
  throw new Error(`etcdctl ${args.join(' ')} failed ${attemptsMax} times: ${last}`);
}

describe.each(['etcd-ts', 'etcd'] as SutKind[])('startDockerCluster(%s)', (kind) => {
  test(`startDockerCluster() runs 3 ${kind} containers that survive kill+start and pause+resume, then leave nothing`, async () => {
    const cluster = await startDockerCluster({ kind, size: 3, faultControl: kind === 'etcd-ts' });
    clusters.push(cluster);
    expect(labelledContainers(cluster.runId)).toHaveLength(3);
    // etcd-ts members serve their clock/disk fault-control endpoint on their own address.
    const faultControl = cluster.faultControlOf('n1');
    if (kind === 'etcd-ts') {
      expect(await (await fetch(`${faultControl}/`)).json()).toEqual({ clockSkewMs: 0, disk: null });
    } else {
      expect(faultControl).toBeUndefined();
    }
    const [first, second, third] = cluster.endpoints;
    await ok(['put', 'k', 'v1'], [first!]);
    expect(await ok(['get', 'k', '--print-value-only'], [third!])).toBe('v1\n');

    await cluster.kill('n2');
    expect(cluster.isRunning('n2')).toBe(false);
    await ok(['put', 'k', 'v2'], [first!]);
    await cluster.start('n2');
    // The restarted member recovered its data and caught up: its local (serializable) read sees v2.
    const local = await ok(['get', 'k', '--print-value-only', '--consistency=s'], [second!]);
    expect(['v1\n', 'v2\n']).toContain(local);
    expect(await ok(['get', 'k', '--print-value-only'], [second!])).toBe('v2\n');

    await cluster.pause('n3');
    expect(cluster.isRunning('n3')).toBe(true);
    await ok(['put', 'k', 'v3'], [first!]);
    await cluster.resume('n3');
    expect(await ok(['get', 'k', '--print-value-only'], [third!])).toBe('v3\n');

    await cluster.stop();
    expect(labelledContainers(cluster.runId)).toEqual([]);
  });
});

describe('removeLeftovers()', () => {
  test('removeLeftovers() removes labelled containers of dead runs and keeps those of live ones', async () => {
    await buildImage('etcd');
    // Above the kernel's pid_max, so never a live process.
    const deadPid = 2 ** 30;
    const create = (pid: number): string =>
      execFileSync(
        'docker',
        [
          'create',
          '--label',
          'etcd-chaos=1',
          '--label',
          `etcd-chaos.pid=${pid}`,
          imageTags.etcd,
          '--version',
        ],
        { encoding: 'utf8' },
      ).trim();
    const dead = create(deadPid);
    const live = create(process.pid);
    try {
      const removed = await removeLeftovers();
      expect(removed.containers).toBeGreaterThanOrEqual(1);
      const remaining = execFileSync('docker', ['ps', '--all', '--quiet', '--no-trunc'], {
        encoding: 'utf8',
      });
      expect(remaining).not.toContain(dead);
      expect(remaining).toContain(live);
    } finally {
      // The dead run's container is normally gone already.
      for (const id of [dead, live]) {
        try {
          execFileSync('docker', ['rm', '--force', id], { stdio: 'ignore' });
        } catch {}
      }
    }
  });
});
