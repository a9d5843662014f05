// Random fault schedules against the simulated etcd-ts cluster: crashes (some torn),
// restarts, partitions, pauses and clock bumps interleaved with puts of distinct keys.
// After everything heals, every acknowledged put is readable with its value, all members
// hold the same store, and the same seed and schedule replay to the same trace hash.
// SIM_CLUSTER_RUNS (default 50) sets the schedule count; SIM_CLUSTER_SEED the seed.

import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { SimEtcdCluster } from './etcd-cluster.js';
import { SimClient, type SimOutcome } from './sim-client.js';

const runs = Number(process.env.SIM_CLUSTER_RUNS ?? 50);
const seed = Number(process.env.SIM_CLUSTER_SEED ?? 20261124);
const text = new TextEncoder();

type Step =
  | { readonly type: 'put'; readonly client: number }
  | { readonly type: 'crash'; readonly member: number; readonly torn: boolean }
  | { readonly type: 'restart'; readonly member: number }
  | { readonly type: 'pause' | 'resume'; readonly member: number }
  | { readonly type: 'partition'; readonly alone: number }
  | { readonly type: 'heal' }
  | { readonly type: 'clock'; readonly member: number; readonly deltaMs: number }
  | { readonly type: 'wait'; readonly ms: number };

const member = fc.integer({ min: 1, max: 3 });
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ type: fc.constant('put' as const), client: fc.integer({ min: 0, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('crash' as const), member, torn: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('restart' as const), member }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constantFrom('pause' as const, 'resume' as const), member }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('partition' as const), alone: member }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('heal' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('clock' as const),
      member,
      deltaMs: fc.integer({ min: -2000, max: 2000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('wait' as const), ms: fc.integer({ min: 10, max: 1500 }) }),
  },
);

interface Result {
  traceHash: string;
  storeHashes: number[];
  acknowledged: Map<string, string>;
  readBack: Map<string, string>;
}

async function runSchedule(worldSeed: number, steps: readonly Step[]): Promise<Result> {
  const cluster = new SimEtcdCluster({
    seed: worldSeed,
    size: 3,
    linkSettings: {
      delayMsMin: 1,
      delayMsMax: 5,
      tailPerMille: 20,
      tailDelayMsMax: 50,
      lossPerMille: 10,
      duplicatePerMille: 10,
      reorderPerMille: 30,
    },
  });
  const clients = cluster.memberIds.map(
    (id) => new SimClient(cluster, { memberId: id, random: cluster.forkRandom(), timeoutMs: 2000 }),
  );
  const acknowledged = new Map<string, string>();
  let putIndex = 0;
  // Faults start once the cluster has formed, so the puts meet a working cluster first.
  await cluster.waitForLeader();
  for (const step of steps) {
    switch (step.type) {
      case 'put': {
        const name = `key-${putIndex}`;
        const value = `value-${putIndex++}`;
        void clients[step.client]!.put({ key: text.encode(name), value: text.encode(value) }).then(
          (outcome) => {
            if (outcome.type === 'ok') acknowledged.set(name, value);
          },
        );
        break;
      }
      case 'crash':
        cluster.crash(step.member, { tearLastWrite: step.torn });
        break;
      case 'restart':
        if (cluster.stateOf(step.member) === 'down') cluster.restart(step.member);
        break;
      case 'pause':
        cluster.pause(step.member);
        break;
      case 'resume':
        cluster.resume(step.member);
        break;
      case 'partition':
        cluster.partition([[step.alone], cluster.memberIds.filter((id) => id !== step.alone)]);
        break;
      case 'heal':
        cluster.heal();
        break;
      case 'clock':
        cluster.clockOffset(step.member, step.deltaMs);
        break;
      case 'wait':
        await cluster.runFor(step.ms);
        break;
    }
    await cluster.runFor(20);
  }
  // Recovery: heal everything, then let in-flight requests finish or time out.
  cluster.heal();
  for (const id of cluster.memberIds) {
    if (cluster.stateOf(id) === 'down') cluster.restart(id);
    cluster.resume(id);
  }
  await cluster.runFor(3000);
  const leader = await cluster.waitForLeader(20_000);
  const reader = new SimClient(cluster, { memberId: leader, random: cluster.forkRandom(), timeoutMs: 5000 });
  let read: SimOutcome<{ kvs: readonly { key: Uint8Array; value: Uint8Array }[] }> | undefined;
  void reader.range({ key: text.encode('key-'), rangeEnd: text.encode('key.') }).then((outcome) => {
    read = outcome;
  });
  await cluster.runUntil(() => read !== undefined, { timeMsMax: 10_000 });
  if (read?.type !== 'ok') throw new Error(`final read failed: ${JSON.stringify(read)}`);
  const readBack = new Map<string, string>();
  const decoder = new TextDecoder();
  for (const kv of read.response.kvs) readBack.set(decoder.decode(kv.key), decoder.decode(kv.value));
  const leaderRevision = cluster.node(leader)!.revision;
  const converged = await cluster.runUntil(
    () => cluster.memberIds.every((id) => cluster.node(id)?.revision === leaderRevision),
    { timeMsMax: 20_000 },
  );
  if (!converged) throw new Error('members did not converge on one revision after healing');
  const storeHashes: number[] = [];
  for (const id of cluster.memberIds) storeHashes.push((await cluster.node(id)!.hashKv({})).hash);
  cluster.stop();
  return { traceHash: cluster.traceHash(), storeHashes, acknowledged, readBack };
}

test.prop(
  [fc.integer({ min: 1, max: 1_000_000 }), fc.array(stepArbitrary, { minLength: 5, maxLength: 40 })],
  {
    seed,
    numRuns: runs,
  },
)(
  '`SimEtcdCluster` keeps acknowledged puts, converges and replays identically under random faults',
  async (worldSeed, steps) => {
    const first = await runSchedule(worldSeed, steps);
    for (const [name, value] of first.acknowledged) expect(first.readBack.get(name)).toBe(value);
    expect(new Set(first.storeHashes).size).toBe(1);
    const again = await runSchedule(worldSeed, steps);
    expect(again.traceHash).toBe(first.traceHash);
    expect(again.storeHashes).toEqual(first.storeHashes);
  },
);
