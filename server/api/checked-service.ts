// An EtcdService wrapper that applies etcd's API-layer request checks before the inner
// service sees a request, for callers that do not come through the gRPC server (the
// simulator's in-process client). Through it, a simulated client gets the same
// "key is not provided" or "too many operations" errors as a real one, with the same
// timing: before anything is proposed. The wire-only checks (int64 range, encoded size)
// have no in-process counterpart and are not repeated here.

import {
  checkDeleteRangeRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
  txnOpsMaxDefault,
} from './request-validation.js';
import type { EtcdService } from './service.js';

export interface RequestCheckOptions {
  /** etcd's --max-txn-ops. Default 128. */
  readonly txnOpsMax?: number;
}

export function withRequestChecks(inner: EtcdService, options: RequestCheckOptions = {}): EtcdService {
  const txnOpsMax = options.txnOpsMax ?? txnOpsMaxDefault;
  return {
    range: async (request) => {
      checkRangeRequest(request);
      return inner.range(request);
    },
    put: async (request) => {
      checkPutRequest(request);
      return inner.put(request);
    },
    deleteRange: async (request) => {
      checkDeleteRangeRequest(request);
      return inner.deleteRange(request);
    },
    txn: async (request) => {
      checkTxnRequest(request, txnOpsMax);
      return inner.txn(request);
    },
    compact: (request) => inner.compact(request),
    watch: (handlers) => inner.watch(handlers),
    leaseGrant: (request) => inner.leaseGrant(request),
    leaseRevoke: (request) => inner.leaseRevoke(request),
    leaseKeepAlive: (request) => inner.leaseKeepAlive(request),
    leaseTimeToLive: (request) => inner.leaseTimeToLive(request),
    leaseLeases: () => inner.leaseLeases(),
    memberList: (request) => inner.memberList(request),
    memberAdd: (request) => inner.memberAdd(request),
    memberRemove: (request) => inner.memberRemove(request),
    memberUpdate: (request) => inner.memberUpdate(request),
    memberPromote: (request) => inner.memberPromote(request),
    status: () => inner.status(),
    hash: () => inner.hash(),
    hashKv: (request) => inner.hashKv(request),
    snapshot: () => inner.snapshot(),
    alarm: (request) => inner.alarm(request),
    defragment: () => inner.defragment(),
    lock: (request, lockOptions) => inner.lock(request, lockOptions),
    unlock: (request) => inner.unlock(request),
  };
}
