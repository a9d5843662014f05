// Jepsen's etcd register: read, write and compare-and-set on a few independent keys,
// checked per key against the cas-register model. Ops (checker/models/register.ts):
//   {f:'read',  key, value: null}   ok value: the integer read, or null for an absent key
//   {f:'write', key, value: n}
//   {f:'cas',   key, value: [old, new]}  a txn comparing the value; a failed compare is `fail`
// Values are small integers stored as decimal text.

import type { Random } from '../server/ports/random.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, text, type Workload, type WorkloadOptions } from './workload.js';

export const registerKeyCount = 5;
const valueCount = 5;

function decode(value: Uint8Array | undefined): number | null {
  return value === undefined ? null : Number(text(value));
}

export function registerWorkload(options: WorkloadOptions): Workload {
  const keyName = (index: number) => `r${index}`;
  const keyBytes = (key: string) => bytes(`${options.keyPrefix}${key}`);
  return {
    name: 'register',
    checker: { kind: 'model', model: 'cas-register' },
    next(random: Random): OperationRequest {
      const key = keyName(random.intBelow(registerKeyCount));
      const choice = random.intBelow(3);
      if (choice === 0) return { f: 'read', key, value: null };
      if (choice === 1) return { f: 'write', key, value: random.intBelow(valueCount) };
      return { f: 'cas', key, value: [random.intBelow(valueCount), random.intBelow(valueCount)] };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const key = keyBytes(request.key ?? '');
      const timeout = { timeoutMs: context.timeoutMs };
      if (request.f === 'read') {
        const response = await context.client.range({ key }, timeout);
        return { type: 'ok', value: decode(response.kvs[0]?.value) };
      }
      if (request.f === 'write') {
        await context.client.put({ key, value: bytes(String(request.value)) }, timeout);
        return { type: 'ok' };
      }
      const [from, to] = request.value as [number, number];
      const response = await context.client.txn(
        {
          compare: [{ key, target: 'VALUE', value: bytes(String(from)), result: 'EQUAL' }],
          success: [{ type: 'put', request: { key, value: bytes(String(to)) } }],
          failure: [],
        },
        timeout,
      );
      return response.succeeded ? { type: 'ok' } : { type: 'fail', error: 'compare-failed' };
    },
    isIdempotent: (f: string) => f === 'read',
  };
}
