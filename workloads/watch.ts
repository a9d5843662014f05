// Watchers recording events alongside writes (Jepsen's etcd watch workload). Writers
// put unique values to a few keys; each watch op reconnects from the worker's last
// revision + 1 and collects events up to the latest write it can read, so across a
// worker's watch ops its events must be one gap-free, ordered, duplicate-free run of
// the cluster's changes, and all workers must agree on the event at each revision.
// Op shapes, for the `watch` checker:
//   {f:'write', key, value: n}      ok value {value: n, revision}
//   {f:'watch', value: {from}}      ok value {from, to, events: [[revision, type, key, value], ...]}
// `from` is the start revision asked for, `to` the revision the events reach.

import type { Random } from '../server/ports/random.js';
import type { Completion, OperationRequest } from './recorder.js';
import { collectWatch } from './watch-collector.js';
import { bytes, type InvokeContext, prefixEnd, type Workload, type WorkloadOptions } from './workload.js';

export const watchKeyCount = 3;

export function watchWorkload(options: WorkloadOptions): Workload {
  const prefix = bytes(`${options.keyPrefix}watch/`);
  const end = prefixEnd(prefix);
  const lastRevision = new Map<number, number>();
  let nextValue = 0;
  return {
    name: 'watch',
    checker: { kind: 'checker', name: 'watch' },
    next(random: Random, { worker }): OperationRequest {
      if (random.chance(1, 3)) return { f: 'watch', value: { from: (lastRevision.get(worker) ?? 0) + 1 } };
      return { f: 'write', key: `k${random.intBelow(watchKeyCount)}`, value: nextValue++ };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const timeout = { timeoutMs: context.timeoutMs };
      if (request.f === 'write') {
        const key = new Uint8Array([...prefix, ...bytes(request.key ?? '')]);
        const response = await context.client.put({ key, value: bytes(String(request.value)) }, timeout);
        return { type: 'ok', value: { value: request.value, revision: response.header.revision } };
      }
      const from = (request.value as { from: number }).from;
      // The latest change under the prefix is the highest mod revision of its keys (the
      // workload never deletes), read linearizably.
      const listed = await context.client.range({ key: prefix, rangeEnd: end }, timeout);
      const to = Math.max(from - 1, ...listed.kvs.map((kv) => kv.modRevision));
      const events = await collectWatch({
        client: context.client,
        clock: context.clock,
        prefix,
        prefixEnd: end,
        startRevision: from,
        targetRevision: to,
        timeoutMs: context.timeoutMs,
      });
      lastRevision.set(context.worker, Math.max(to, events.at(-1)?.[0] ?? 0));
      return { type: 'ok', value: { from, to, events } };
    },
    // A watch writes nothing: any error on it is a definite fail.
    isIdempotent: (f: string) => f === 'watch',
  };
}
