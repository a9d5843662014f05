// Test helper: wraps a WorkloadService so that some answers are lost, drawn from a
// seeded Random: the request is applied and its answer never arrives, or the request
// is dropped and never answered. The client's timeout turns both into indeterminate
// outcomes, which the history must carry as `info` for the checker to stay sound.

import type { Random } from '../../server/ports/random.js';
import type { WorkloadService } from '../service-client.js';

export function lossyService(
  inner: WorkloadService,
  options: { readonly random: Random; readonly lostPerMille: number },
): WorkloadService {
  const never = new Promise<never>(() => undefined);
  const maybeLose = <T>(call: () => Promise<T>): Promise<T> => {
    const roll = options.random.intBelow(1000);
    if (roll < options.lostPerMille / 2) return never;
    const result = call();
    if (roll < options.lostPerMille) return result.then(() => never);
    return result;
  };
  return {
    range: (request) => maybeLose(() => inner.range(request)),
    put: (request) => maybeLose(() => inner.put(request)),
    deleteRange: (request) => maybeLose(() => inner.deleteRange(request)),
    txn: (request) => maybeLose(() => inner.txn(request)),
    watch: (handlers) => inner.watch(handlers),
    leaseGrant: (request) => maybeLose(() => inner.leaseGrant(request)),
    leaseKeepAlive: (request) => maybeLose(() => inner.leaseKeepAlive(request)),
    leaseRevoke: (request) => maybeLose(() => inner.leaseRevoke(request)),
    lock: (request, lockOptions) => maybeLose(() => inner.lock(request, lockOptions)),
    unlock: (request) => maybeLose(() => inner.unlock(request)),
    status: () => inner.status(),
  };
}
