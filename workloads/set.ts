// A grow-only set: each add puts its own key under the workload's prefix (one request,
// so nothing is ever retried), and a final read lists the prefix. Checked with the
// `set` model (checker/models/set.ts):
//   {f:'add',  value: n}          n unique across the run
//   {f:'read', value: null}       ok value: every element present, as integers

import type { Completion, OperationRequest } from './recorder.js';
import {
  bytes,
  type InvokeContext,
  prefixEnd,
  text,
  type Workload,
  type WorkloadOptions,
} from './workload.js';

export function setWorkload(options: WorkloadOptions): Workload {
  const prefix = `${options.keyPrefix}set/`;
  let nextElement = 0;
  return {
    name: 'set',
    checker: { kind: 'model', model: 'set' },
    next(): OperationRequest {
      return { f: 'add', value: nextElement++ };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const timeout = { timeoutMs: context.timeoutMs };
      if (request.f === 'add') {
        await context.client.put(
          { key: bytes(`${prefix}${request.value}`), value: bytes(String(request.value)) },
          timeout,
        );
        return { type: 'ok' };
      }
      const start = bytes(prefix);
      const response = await context.client.range({ key: start, rangeEnd: prefixEnd(start) }, timeout);
      const elements = response.kvs.map((kv) => Number(text(kv.value))).sort((a, b) => a - b);
      return { type: 'ok', value: elements };
    },
    isIdempotent: (f: string) => f === 'read',
    finalRequests: () => [{ f: 'read', value: null }],
  };
}
