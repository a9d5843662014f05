// Keys attached to leases, some kept alive and some left to expire. Each worker owns
// up to `leasesPerWorkerMax` leases, each with one key; it grants, renews, reads and
// revokes them. One grant in `abandonOneIn` is left to expire: never renewed, only read
// until a read finds its key gone, so the checker sees keys that must vanish. Op shapes,
// for the `lease` checker (workloads/lease-check.ts):
//   {f:'grant',     key, value: {renew}}  ok value {lease, ttlSeconds}  (lease granted, key put on it)
//   {f:'keepalive', key, value: lease}    ok value {lease, ttlSeconds}  (0: the lease was gone)
//   {f:'revoke',    key, value: lease}
//   {f:'read',      key}                  ok value the lease id the key carries, or null
// A key read present must belong to a lease that was not yet expired: granted or
// renewed less than its TTL before the read (the checker allows clock tolerance).

import type { Random } from '../server/ports/random.js';
import type { LeaseId } from './client.js';
import type { Completion, OperationRequest } from './recorder.js';
import { bytes, type InvokeContext, type Workload, type WorkloadOptions } from './workload.js';

export const leaseTtlSeconds = 2;
export const leasesPerWorkerMax = 3;
/** One grant in this many is left to expire. */
export const abandonOneIn = 3;

export function leaseWorkload(options: WorkloadOptions): Workload {
  const owned = new Map<number, Map<string, LeaseId>>();
  const grantsSoFar = new Map<number, number>();
  /** Keys whose lease is left to expire: keep-alives on them become reads. */
  const abandoned = new Set<string>();
  const ownedBy = (worker: number): Map<string, LeaseId> => {
    let leases = owned.get(worker);
    if (leases === undefined) {
      leases = new Map();
      owned.set(worker, leases);
    }
    return leases;
  };
  const keyBytes = (key: string) => bytes(`${options.keyPrefix}lease/${key}`);
  return {
    name: 'lease',
    checker: { kind: 'checker', name: 'lease' },
    next(random: Random, { worker }): OperationRequest {
      const leases = [...ownedBy(worker)];
      const choice = random.intBelow(4);
      if (leases.length === 0 || (choice === 0 && leases.length < leasesPerWorkerMax)) {
        const serial = (grantsSoFar.get(worker) ?? 0) + 1;
        grantsSoFar.set(worker, serial);
        const key = `w${worker}-${serial}`;
        const renew = !random.chance(1, abandonOneIn);
        if (!renew) abandoned.add(key);
        return { f: 'grant', key, value: { renew } };
      }
      const [key, lease] = leases[random.intBelow(leases.length)]!;
      if (abandoned.has(key) || choice === 2) return { f: 'read', key };
      if (choice === 1) return { f: 'revoke', key, value: lease };
      return { f: 'keepalive', key, value: lease };
    },
    async invoke(request: OperationRequest, context: InvokeContext): Promise<Completion> {
      const timeout = { timeoutMs: context.timeoutMs };
      const key = request.key ?? '';
      const leases = ownedBy(context.worker);
      switch (request.f) {
        case 'grant': {
          const grant = await context.client.leaseGrant({ ttlSeconds: leaseTtlSeconds }, timeout);
          // Owned from here: even if the put fails, the lease exists and may be revoked.
          leases.set(key, grant.id);
          await context.client.put({ key: keyBytes(key), value: bytes(grant.id), lease: grant.id }, timeout);
          return { type: 'ok', value: { lease: grant.id, ttlSeconds: grant.ttlSeconds } };
        }
        case 'keepalive': {
          const response = await context.client.leaseKeepAlive({ id: request.value as LeaseId }, timeout);
          if (response.ttlSeconds <= 0) leases.delete(key);
          return { type: 'ok', value: { lease: response.id, ttlSeconds: response.ttlSeconds } };
        }
        case 'revoke':
          leases.delete(key);
          await context.client.leaseRevoke({ id: request.value as LeaseId }, timeout);
          return { type: 'ok' };
        default: {
          const response = await context.client.range({ key: keyBytes(key) }, timeout);
          const kv = response.kvs[0];
          if (kv === undefined) leases.delete(key);
          return { type: 'ok', value: kv === undefined ? null : kv.lease };
        }
      }
    },
    // Renewing is harmless to repeat, but a renewal that may have landed still moves
    // the expiry: only reads are definite on error.
    isIdempotent: (f: string) => f === 'read',
  };
}
