// The in-process path must reject what the gRPC path rejects, before the node sees it.

import { describe, expect, test } from 'vitest';
import { withRequestChecks } from './checked-service.js';
import { EtcdError } from './errors.js';
import { FakeEtcdService } from './testing/fake-etcd-service.js';

const bytes = (text: string) => Buffer.from(text);

describe('withRequestChecks()', () => {
  test('withRequestChecks() rejects a missing key and a duplicate txn write without calling the service', async () => {
    const inner = new FakeEtcdService();
    const checked = withRequestChecks(inner);
    await expect(checked.put({ key: new Uint8Array(0), value: bytes('v') })).rejects.toThrow(
      'etcdserver: key is not provided',
    );
    const put = { type: 'put' as const, request: { key: bytes('k'), value: bytes('v') } };
    await expect(checked.txn({ compare: [], success: [put, put], failure: [] })).rejects.toThrow(EtcdError);
    expect(inner.calls.size).toBe(0);
  });

  test('withRequestChecks() passes valid requests through to the service unchanged', async () => {
    const inner = new FakeEtcdService();
    const checked = withRequestChecks(inner, { txnOpsMax: 2 });
    await checked.put({ key: bytes('k'), value: bytes('v') });
    const range = await checked.range({ key: bytes('k') });
    expect(range.kvs.map((kv) => Buffer.from(kv.value).toString())).toEqual(['v']);
    const three = [1, 2, 3].map((index) => ({
      type: 'range' as const,
      request: { key: bytes(`k${index}`) },
    }));
    await expect(checked.txn({ compare: [], success: three, failure: [] })).rejects.toThrow(
      'etcdserver: too many operations in txn request',
    );
    expect((await checked.status()).version).toBe('3.4.0');
  });
});
