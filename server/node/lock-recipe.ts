// etcd's v3lock service as a recipe over the node's own KV and watch API, with etcd
// 3.4's semantics: the owner key is `<name>/<lease id in hex>`, created with the lease;
// the caller owns the lock once no key under the name has a smaller create revision.
// Like etcd 3.4, Lock does not check that the lease is still alive when it returns — the
// lock workload exists to show what that means under pauses and partitions.

import { EtcdError } from '../api/errors.js';
import type { EtcdService, LockOptions } from '../api/service.js';
import type * as api from '../api/types.js';

const encoder = new TextEncoder();

/** Waits for at most this many earlier holders, one at a time; the queue is bounded. */
export const lockWaitRoundsMax = 100_000;

export async function acquireLock(
  service: EtcdService,
  request: api.LockRequest,
  options: LockOptions = {},
): Promise<api.LockResponse> {
  if (request.lease <= 0) throw EtcdError.of('leaseNotFound');
  const prefix = concat(request.name, encoder.encode('/'));
  const key = concat(prefix, encoder.encode(request.lease.toString(16)));
  const created = await service.txn({
    compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }],
    success: [{ type: 'put', request: { key, value: new Uint8Array(0), lease: request.lease } }],
    failure: [{ type: 'range', request: { key } }],
  });
  const own = created.succeeded
    ? created.header.revision
    : (firstRange(created)?.kvs[0]?.createRevision ?? created.header.revision);
  for (let round = 0; round < lockWaitRoundsMax; round++) {
    if (options.signal?.aborted) throw EtcdError.of('timeout');
    const earlier = await service.range({
      key: prefix,
      rangeEnd: prefixEnd(prefix),
      maxCreateRevision: own - 1,
      sortOrder: 'DESCEND',
      sortTarget: 'CREATE',
      limit: 1,
    });
    const blocker = earlier.kvs[0];
    if (blocker === undefined) return { header: earlier.header, key };
    await waitForDelete(service, blocker.key, earlier.header.revision, options.signal);
  }
  throw EtcdError.of('timeout');
}

export async function releaseLock(
  service: EtcdService,
  request: api.UnlockRequest,
): Promise<api.UnlockResponse> {
  const deleted = await service.deleteRange({ key: request.key });
  return { header: deleted.header };
}

function firstRange(response: api.TxnResponse): api.RangeResponse | undefined {
  const first = response.responses[0];
  return first?.type === 'range' ? first.response : undefined;
}

/** Resolves when `key` is deleted after `revision` (or was already). */
function waitForDelete(
  service: EtcdService,
  key: Uint8Array,
  revision: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: EtcdError): void => {
      stream.close();
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => finish(EtcdError.of('timeout'));
    const stream = service.watch({
      onResponse: (response) => {
        if (response.canceled) return finish();
        if (response.events.some((event) => event.type === 'DELETE')) finish();
      },
      onEnd: (error) => finish(error ?? EtcdError.of('stopped')),
    });
    signal?.addEventListener('abort', onAbort);
    stream.send({ type: 'create', request: { key, startRevision: revision + 1, filters: ['NOPUT'] } });
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The smallest key greater than every key with this prefix (etcd's GetPrefixRangeEnd). */
function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = new Uint8Array(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return new Uint8Array([0]);
}
