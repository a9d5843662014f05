// The SimClient-to-WorkloadClient adapter: an answer resolves, an etcd error rejects
// with that EtcdError (a definite failure), and a request refused by a crashed member
// rejects with a ClientError saying it was never sent, all on the world's virtual clock.

import { describe, expect, test } from 'vitest';
import { EtcdError } from '../server/api/errors.js';
import { ClientError } from '../workloads/client.js';
import { SimEtcdCluster } from './etcd-cluster.js';
import { SimClient } from './sim-client.js';
import { SimWorkloadClient, worldClockOf } from './sim-workload-adapter.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Runs the world until `request` settles; returns how it settled. */
async function settle<T>(cluster: SimEtcdCluster, request: Promise<T>) {
  let outcome: { type: 'resolved'; value: T } | { type: 'rejected'; error: unknown } | undefined;
  request.then(
    (value) => {
      outcome = { type: 'resolved', value };
    },
    (error: unknown) => {
      outcome = { type: 'rejected', error };
    },
  );
  expect(await cluster.runUntil(() => outcome !== undefined, { timeMsMax: 30_000 })).toBe(true);
  return outcome!;
}

describe('SimWorkloadClient', () => {
  test('`SimWorkloadClient` resolves answers, rejects etcd errors as EtcdError and a dead member as ClientError', async () => {
    const cluster = new SimEtcdCluster({ seed: 3, size: 3 });
    const leader = await cluster.waitForLeader();
    const clientOf = (memberId: number) =>
      new SimWorkloadClient(
        new SimClient(cluster, { memberId, random: cluster.forkRandom(), timeoutMs: 2000 }),
      );
    const client = clientOf(leader);
    const put = await settle(cluster, client.put({ key: bytes('a'), value: bytes('1') }));
    expect(put.type).toBe('resolved');
    const read = await settle(cluster, client.range({ key: bytes('a') }));
    expect(read.type === 'resolved' && new TextDecoder().decode(read.value.kvs[0]?.value)).toBe('1');
    const empty = await settle(cluster, client.put({ key: new Uint8Array(), value: bytes('1') }));
    expect(empty.type === 'rejected' && empty.error).toBeInstanceOf(EtcdError);
    const follower = cluster.memberIds.find((id) => id !== leader)!;
    cluster.crash(follower);
    const lost = await settle(cluster, clientOf(follower).put({ key: bytes('b'), value: bytes('2') }));
    expect(lost.type === 'rejected' && lost.error).toBeInstanceOf(ClientError);
    expect(lost.type === 'rejected' && (lost.error as ClientError).reason).toBe('connect-failed');
    client.close();
    const closed = await settle(cluster, client.range({ key: bytes('a') }));
    expect(closed.type === 'rejected' && (closed.error as ClientError).reason).toBe('closed');
  });

  test('`worldClockOf()` fires timers on the world queue at virtual time', async () => {
    const cluster = new SimEtcdCluster({ seed: 4, size: 3 });
    const clock = worldClockOf(cluster);
    const startMs = clock.nowMs();
    let firedAtMs: number | undefined;
    clock.setTimer(250, () => {
      firedAtMs = clock.nowMs();
    });
    expect(await cluster.runUntil(() => firedAtMs !== undefined, { timeMsMax: 1000 })).toBe(true);
    expect(firedAtMs).toBe(startMs + 250);
  });
});
