// apiserver-like traffic (etcd's robustness "Kubernetes" traffic): objects under one
// prefix, listed at the current revision or at an earlier one, watched from the last
// revision seen, created only if absent, updated and deleted optimistically through a
// txn on the mod revision read just before. A failed compare changed nothing: `fail`.
// Op shapes, for the `kubernetes` checker (or the etcd model after translation):
//   {f:'list',   value: {revision}}        revision 0 = current; ok value {revision, items: {key: [modRevision, value]}}
//   {f:'create', key, value: n}            ok value {value: n, revision}
//   {f:'update', key, value: n}            ok value {value: n, from: modRevision read, revision}
//   {f:'delete', key}                      ok value {from: modRevision read, revision}
//   {f:'watch',  value: {from}}            ok value {from, to, events: [[revision, type, key, value], ...]}
// update/delete of an absent key fail with 'not-found'; compare failures with 'conflict'.

import type { Random } from '../server/ports/random.js';
import type { Completion, OperationRequest } from './recorder.js';
import { collectWatch } from './watch-collector.js';
import {
  bytes,
  type InvokeContext,
  prefixEnd,
  text,
  type Workload,
  type WorkloadOptions,
} from './workload.js';

export const kubernetesObjectCount = 5;

export function kubernetesWorkload(options: WorkloadOptions): Workload {
  const prefix = bytes(`${options.keyPrefix}pods/`);
  const end = prefixEnd(prefix);
  const keyBytes = (key: string) => new Uint8Array([...prefix, ...bytes(key)]);
  const lastRevision = new Map<number, number>();
  let nextValue = 0;

  const list = async (revision: number, context: InvokeContext): Promise<Completion> => {
    const response = await context.client.range(
      { key: prefix, rangeEnd: end, revision },
      { timeoutMs: context.timeoutMs },
    );
    const items: Record<string, [number, string]> = {};
    for (const kv of response.kvs)
      items[text(kv.key.subarray(prefix.length))] = [kv.modRevision, text(kv.value)];
    const at = revision === 0 ? response.header.revision : revision;
    lastRevision.set(context.worker, Math.max(lastRevision.get(context.worker) ?? 0, at));
    return { type: 'ok', value: { revision: at, items } };
  };

  const write = async (request: OperationRequest, context: InvokeContext): Promise<Completion> => {
    const timeout = { timeoutMs: context.timeoutMs };
    const key = keyBytes(request.key ?? '');
    if (request.f === 'create') {
      const response = await context.client.txn(
        {
          compare: [{ key, target: 'CREATE', createRevision: 0, result: 'EQUAL' }],
          success: [{ type: 'put', request: { key, value: bytes(String(request.value)) } }],
          failure: [],
        },
        timeout,
      );
      if (!response.succeeded) return { type: 'fail', error: 'exists' };
      return { type: 'ok', value: { value: request.value, revision: response.header.revision } };
    }
    const read = await context.client.range({ key }, timeout);
    const current = read.kvs[0];
    if (current === undefined) return { type: 'fail', error: 'not-found' };
    const response = await context.client.txn(
      {
        compare: [{ key, target: 'MOD', modRevision: current.modRevision, result: 'EQUAL' }],
        success: [
          request.f === 'update'
            ? { type: 'put', request: { key, value: bytes(String(request.value)) } }
            : { type: 'deleteRange', request: { key } },
        ],
        failure: [],
      },
      timeout,
    );
    if (!response.succeeded) return { type: 'fail', error: 'conflict' };
    const done = { from: current.modRevision, revision: response.header.revision };
    return { type: 'ok', value: request.f === 'update' ? { value: request.value, ...done } : done };
  };

  return {
    name: 'kubernetes',
    checker: { kind: 'checker', name: 'kubernetes' },
    next(random: Random, { worker }): OperationRequest {
      const key = `pod-${random.intBelow(kubernetesObjectCount)}`;
      const choice = random.intBelow(10);
      const seen = lastRevision.get(worker) ?? 0;
      if (choice < 2) return { f: 'list', value: { revision: 0 } };
      if (choice < 3) return { f: 'list', value: { revision: seen } };
      if (choice < 4) return { f: 'watch', value: { from: seen + 1 } };
      if (choice < 6) return { f: 'create', key, value: nextValue++ };
      if (choice < 9) return { f: 'update', key, value: nextValue++ };
      return { f: 'delete', key };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      if (request.f === 'list') return list((request.value as { revision: number }).revision, context);
      if (request.f !== 'watch') return write(request, context);
      const from = (request.value as { from: number }).from;
      const current = await context.client.range(
        { key: prefix, rangeEnd: end, countOnly: true },
        { timeoutMs: context.timeoutMs },
      );
      // Deletes leave no key behind, so the target is the store revision; the collector
      // stops at the first event at or past it, or when the stream has nothing newer.
      const to = current.header.revision;
      const events = await collectWatch({
        client: context.client,
        clock: context.clock,
        prefix,
        prefixEnd: end,
        startRevision: from,
        targetRevision: to,
        timeoutMs: context.timeoutMs,
      });
      lastRevision.set(
        context.worker,
        Math.max(lastRevision.get(context.worker) ?? 0, events.at(-1)?.[0] ?? from - 1),
      );
      return { type: 'ok', value: { from, to, events } };
    },
    isIdempotent: (f: string) => f === 'list' || f === 'watch',
  };
}
