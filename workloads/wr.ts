// Read/write register transactions (Elle's rw-register, Jepsen's etcd wr workload).
// Op shape, for the `rw-register` checker:
//   invoke {f:'txn', value: [['w', k, n] | ['r', k, null], ...]}
//   ok     {f:'txn', value: the same micro-ops with each read's value (integer or null)}
// The whole txn is one etcd txn with no compares: blind puts and ranges in micro-op
// order (a range after a put of the same key sees it, as etcd's txn does). Written
// values are unique per key, so the checker can tell versions apart.

import type { Random } from '../server/ports/random.js';
import type { RequestOp } from './client.js';
import { drawMicroOps, type MicroOp, valueCounter } from './micro-ops.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, text, type Workload, type WorkloadOptions } from './workload.js';

export const wrKeyCount = 5;
export const wrTxnLengthMax = 4;

export function wrWorkload(options: WorkloadOptions): Workload {
  const keyBytes = (key: string) => bytes(`${options.keyPrefix}wr/${key}`);
  const nextValue = valueCounter();
  return {
    name: 'wr',
    checker: { kind: 'checker', name: 'rw-register' },
    next: (random: Random): OperationRequest => ({
      f: 'txn',
      value: drawMicroOps(
        random,
        { keyCount: wrKeyCount, lengthMax: wrTxnLengthMax, writeF: 'w' },
        nextValue,
      ),
    }),
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const ops = request.value as MicroOp[];
      const success = ops.map(
        ([f, key, value]): RequestOp =>
          f === 'r'
            ? { type: 'range', request: { key: keyBytes(key) } }
            : { type: 'put', request: { key: keyBytes(key), value: bytes(String(value)) } },
      );
      const response = await context.client.txn(
        { compare: [], success, failure: [] },
        { timeoutMs: context.timeoutMs },
      );
      const completed = ops.map(([f, key, value], index): MicroOp => {
        const result = response.responses[index];
        if (f !== 'r' || result?.type !== 'range') return [f, key, value];
        const kv = result.response.kvs[0];
        return [f, key, kv === undefined ? null : Number(text(kv.value))];
      });
      return { type: 'ok', value: completed };
    },
    isIdempotent: () => false,
  };
}
