// The workloads' gRPC client against a real etcd and an etcd-ts member: the same calls
// must mean the same thing on both. It pins a wire subtlety: etcd reads a range_end that
// is present but empty as "every key from here on", so a single-key request must leave
// the field out.

import { afterAll, describe, expect, test } from 'vitest';
import { GrpcClient } from '../workloads/grpc-client.js';
import { type ClusterKind, type ProcessCluster, startProcessCluster } from './process-cluster.js';

const text = new TextEncoder();
const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe.each(['etcd', 'etcd-ts'] as ClusterKind[])('GrpcClient against %s', (kind) => {
  let cluster: ProcessCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  test('range() of one key, of a prefix and deleteRange() of one key mean what etcd means', async () => {
    cluster = await startProcessCluster({ kind, size: 1 });
    const client = new GrpcClient((cluster.endpoints[0] ?? '').replace(/^https?:\/\//, ''));
    try {
      for (const key of ['k', 'k/1', 'k/2', 'l'])
        await client.put({ key: text.encode(key), value: text.encode(key) });
      const single = await client.range({ key: text.encode('k') });
      expect(single.kvs.map((kv) => decode(kv.key))).toEqual(['k']);
      const prefix = await client.range({ key: text.encode('k/'), rangeEnd: text.encode('k0') });
      expect(prefix.kvs.map((kv) => decode(kv.key))).toEqual(['k/1', 'k/2']);
      const deleted = await client.deleteRange({ key: text.encode('k') });
      expect(deleted.deleted).toBe(1);
      const cas = await client.txn({
        compare: [{ key: text.encode('k/1'), target: 'VALUE', result: 'EQUAL', value: text.encode('k/1') }],
        success: [{ type: 'range', request: { key: text.encode('k/1') } }],
        failure: [],
      });
      expect(cas.succeeded).toBe(true);
    } finally {
      client.close();
    }
  });
});
