// Checks the lease id conversion between etcd-ts's numeric service and the workload
// client's decimal strings.

import { describe, expect, test } from 'vitest';
import { ClientError } from './client.js';
import { leaseIdOf, serviceLeaseId, serviceTxnRequest, txnResponseOf } from './service-lease-ids.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('service-lease-ids', () => {
  test('serviceLeaseId() turns digits below 2^53 into the same number', () => {
    expect(serviceLeaseId(leaseIdOf(2 ** 53 - 1), 'put')).toBe(2 ** 53 - 1);
    expect(serviceLeaseId('0', 'put')).toBe(0);
  });

  test('serviceLeaseId() refuses an id a number cannot hold, as a request never sent', () => {
    const refuse = () => serviceLeaseId('9223372036854775807', 'leaseGrant');
    expect(refuse).toThrow(ClientError);
    try {
      refuse();
    } catch (error) {
      expect((error as ClientError).options.sent).toBe(false);
    }
    expect(() => serviceLeaseId('12x', 'put')).toThrow(ClientError);
  });

  test('serviceTxnRequest() converts nested put and compare leases, txnResponseOf() the kvs', () => {
    const request = serviceTxnRequest({
      compare: [{ key: bytes('k'), target: 'LEASE', lease: '5', result: 'EQUAL' }],
      success: [
        {
          type: 'txn',
          request: {
            compare: [],
            success: [{ type: 'put', request: { key: bytes('k'), value: bytes('v'), lease: '6' } }],
            failure: [],
          },
        },
      ],
      failure: [],
    });
    expect(request.compare[0]).toMatchObject({ lease: 5 });
    const inner = request.success[0];
    expect(inner?.type === 'txn' && inner.request.success[0]).toMatchObject({ request: { lease: 6 } });
    const header = { clusterId: 1, memberId: 1, revision: 2, raftTerm: 1 };
    const kv = {
      key: bytes('k'),
      createRevision: 2,
      modRevision: 2,
      version: 1,
      value: bytes('v'),
      lease: 6,
    };
    const response = txnResponseOf({
      header,
      succeeded: true,
      responses: [{ type: 'range', response: { header, kvs: [kv], more: false, count: 1 } }],
    });
    const first = response.responses[0];
    expect(first?.type === 'range' && first.response.kvs[0]?.lease).toBe('6');
  });
});
