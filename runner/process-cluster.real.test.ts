// Real processes: a 3-member etcd-ts cluster and a 3-member real etcd cluster start on
// loopback, serve a write on one member to a read on another, and keep acknowledged data
// across SIGKILL and restart of a member.

import { afterAll, describe, expect, test } from 'vitest';
import { type ClusterKind, type ProcessCluster, startProcessCluster } from './process-cluster.js';
import { etcdctl } from './testing/etcdctl.js';

const kinds: readonly ClusterKind[] = ['etcd-ts', 'etcd'];

describe.each(kinds)('startProcessCluster() of kind %s', (kind) => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('startProcessCluster() starts 3 members; a write on one is read on another', async () => {
    cluster = await startProcessCluster({ kind, size: 3 });
    expect(cluster.endpoints).toHaveLength(3);
    const [first, second] = cluster.endpoints;
    const put = await etcdctl(['put', 'greeting', 'hello'], { endpoints: [first ?? ''] });
    expect(put.stdout.trim()).toBe('OK');
    const get = await etcdctl(['get', 'greeting'], { endpoints: [second ?? ''] });
    expect(get.stdout).toBe('greeting\nhello\n');
  });

  test('kill() with SIGKILL then restart() keeps acknowledged data', async () => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    const victim = cluster.members[2];
    if (victim === undefined) throw new Error('no third member');
    for (let index = 0; index < 20; index++) {
      const put = await etcdctl(['put', `k${index}`, `v${index}`], { endpoints: [victim.clientUrl] });
      expect(put.stdout.trim()).toBe('OK');
    }
    await cluster.kill(victim.name, 'SIGKILL');
    expect(cluster.isRunning(victim.name)).toBe(false);
    await cluster.restart(victim.name);
    expect(cluster.isRunning(victim.name)).toBe(true);
    const get = await etcdctl(['get', 'k', '--prefix', '--keys-only', '--consistency=s'], {
      endpoints: [victim.clientUrl],
    });
    const keys = get.stdout.split('\n').filter((line) => line.length > 0);
    expect(keys).toHaveLength(20);
  });
});

describe('startProcessCluster() with a peerDial hook', () => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('startProcessCluster() asks peerDial for every directed link and the cluster serves', async () => {
    const links: string[] = [];
    cluster = await startProcessCluster({
      kind: 'etcd-ts',
      size: 3,
      peerDial: (link) => {
        links.push(`${link.from}->${link.to}`);
        return link.listen;
      },
    });
    expect(links.sort()).toEqual(['n1->n2', 'n1->n3', 'n2->n1', 'n2->n3', 'n3->n1', 'n3->n2']);
    const put = await etcdctl(['put', 'dialled', 'yes'], { endpoints: cluster.endpoints });
    expect(put.stdout.trim()).toBe('OK');
  });
});
