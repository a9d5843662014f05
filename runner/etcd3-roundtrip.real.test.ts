// The npm `etcd3` client (a widely used Node client of etcd v3) against a 3-member etcd-ts
// and a 3-member real etcd on loopback: the same calls must give the same answers, so a
// Node application cannot tell the two apart for what the suite uses.

import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, test } from 'vitest';
import { type ClusterKind, type ProcessCluster, startProcessCluster } from './process-cluster.js';

const watchTimeoutMs = 5000;

async function roundTrip(hosts: readonly string[]): Promise<[string, string][]> {
  const client = new Etcd3({ hosts: [...hosts] });
  const out: [string, string][] = [];
  try {
    await client.put('rt/a').value('1');
    await client.put('rt/b').value('2');
    out.push(['get', String(await client.get('rt/a').string())]);
    out.push(['prefix', JSON.stringify(await client.getAll().prefix('rt/').strings())]);
    const txn = await client
      .if('rt/a', 'Value', '==', '1')
      .then(client.put('rt/a').value('3'))
      .else(client.get('rt/a'))
      .commit();
    out.push(['txn', String(txn.succeeded)]);
    out.push(['after txn', String(await client.get('rt/a').string())]);
    const lease = client.lease(30);
    await lease.put('rt/leased').value('x');
    out.push(['leased', String(await client.get('rt/leased').string())]);
    out.push(['keepaliveOnce', String((await lease.keepaliveOnce()).TTL)]);
    await lease.revoke();
    out.push(['after revoke', String(await client.get('rt/leased').string())]);
    const watcher = await client.watch().prefix('rt/').create();
    let timer: NodeJS.Timeout | undefined;
    const seen = new Promise<string>((resolve, reject) => {
      watcher.on('put', (kv) => resolve(kv.value.toString()));
      timer = setTimeout(() => reject(new Error('no watch event within 5 s')), watchTimeoutMs);
    });
    await client.put('rt/c').value('watched');
    out.push(['watch', await seen.finally(() => clearTimeout(timer))]);
    await watcher.cancel();
    out.push(['delete', String((await client.delete().prefix('rt/')).deleted)]);
    out.push(['get at revision 2', String(await client.get('rt/a').revision(2).string())]);
  } finally {
    client.close();
  }
  return out;
}

describe('the etcd3 npm client', () => {
  const clusters: ProcessCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  });

  test('gets the same answers from etcd-ts as from etcd', async () => {
    const results = new Map<ClusterKind, [string, string][]>();
    for (const kind of ['etcd', 'etcd-ts'] as const) {
      const cluster = await startProcessCluster({ kind, size: 3 });
      clusters.push(cluster);
      results.set(kind, await roundTrip(cluster.endpoints));
    }
    expect(results.get('etcd')).toEqual([
      ['get', '1'],
      ['prefix', '{"rt/a":"1","rt/b":"2"}'],
      ['txn', 'true'],
      ['after txn', '3'],
      ['leased', 'x'],
      ['keepaliveOnce', '30'],
      ['after revoke', 'null'],
      ['watch', 'watched'],
      ['delete', '3'],
      ['get at revision 2', '1'],
    ]);
    expect(results.get('etcd-ts')).toEqual(results.get('etcd'));
  });
});
