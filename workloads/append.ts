// List-append transactions through etcd txns (Elle's list-append, as Jepsen's etcd
// append workload encodes it). Op shape, for the `list-append` checker:
//   invoke {f:'txn', value: [['append', k, n] | ['r', k, null], ...]}
//   ok     {f:'txn', value: the same micro-ops with each read's value the list read}
// Each key holds a JSON array of integers. A txn runs in two requests: a read of every
// key it appends to, then one txn guarded on those keys being unchanged (mod revision
// equal to what was read, or version 0 for a key that was absent) whose success branch
// puts each extended list and reads each read key in micro-op order. A failed guard
// means the second request changed nothing: the op is `fail`. Written keys are distinct
// per txn (drawMicroOps), so no txn puts a key twice.

import type { Random } from '../server/ports/random.js';
import type { Compare, RequestOp } from './client.js';
import { drawMicroOps, type MicroOp, valueCounter } from './micro-ops.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, text, type Workload, type WorkloadOptions } from './workload.js';

export const appendKeyCount = 3;
export const appendTxnLengthMax = 4;

const parseList = (value: Uint8Array | undefined): number[] | null =>
  value === undefined ? null : (JSON.parse(text(value)) as number[]);

export function appendWorkload(options: WorkloadOptions): Workload {
  const keyBytes = (key: string) => bytes(`${options.keyPrefix}append/${key}`);
  const nextValue = valueCounter();
  const invoke = async (request: OperationRequest, context: InvokeContext): Promise<Completion> => {
    const ops = request.value as MicroOp[];
    const timeout = { timeoutMs: context.timeoutMs };
    const appended = [...new Set(ops.filter(([f]) => f === 'append').map(([, key]) => key))];
    const current = new Map<string, number[]>();
    const guards: Compare[] = [];
    if (appended.length > 0) {
      const read = await context.client.txn(
        {
          compare: [],
          success: appended.map((key): RequestOp => ({ type: 'range', request: { key: keyBytes(key) } })),
          failure: [],
        },
        timeout,
      );
      read.responses.forEach((response, index) => {
        const key = appended[index]!;
        const kv = response.type === 'range' ? response.response.kvs[0] : undefined;
        current.set(key, parseList(kv?.value) ?? []);
        guards.push(
          kv === undefined
            ? { key: keyBytes(key), target: 'VERSION', version: 0, result: 'EQUAL' }
            : { key: keyBytes(key), target: 'MOD', modRevision: kv.modRevision, result: 'EQUAL' },
        );
      });
    }
    const success = ops.map(([f, key, value]): RequestOp => {
      if (f === 'r') return { type: 'range', request: { key: keyBytes(key) } };
      const list = [...(current.get(key) ?? []), value as number];
      current.set(key, list);
      return { type: 'put', request: { key: keyBytes(key), value: bytes(JSON.stringify(list)) } };
    });
    const response = await context.client.txn({ compare: guards, success, failure: [] }, timeout);
    if (!response.succeeded) return { type: 'fail', error: 'guard-failed' };
    const completed = ops.map(([f, key, value], index): MicroOp => {
      const result = response.responses[index];
      if (f !== 'r' || result?.type !== 'range') return [f, key, value];
      return [f, key, parseList(result.response.kvs[0]?.value)];
    });
    return { type: 'ok', value: completed };
  };
  return {
    name: 'append',
    checker: { kind: 'checker', name: 'list-append' },
    next: (random: Random): OperationRequest => ({
      f: 'txn',
      value: drawMicroOps(
        random,
        { keyCount: appendKeyCount, lengthMax: appendTxnLengthMax, writeF: 'append' },
        nextValue,
      ),
    }),
    invoke,
    isIdempotent: () => false,
  };
}
