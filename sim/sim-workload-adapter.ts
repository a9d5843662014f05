// Adapts a SimClient (answers as ok / fail / indeterminate outcomes) to the
// `WorkloadClient` interface the workloads are written against (answers resolve or
// reject with an EtcdError or a ClientError), and the simulated world's queue to the
// `Clock` port the generator and the nemesis schedule run on. With these, a workload
// runs unchanged against simulated members over simulated client links.

import type { EtcdService } from '../server/api/service.js';
import type * as api from '../server/api/types.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import type {
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseRevokeRequest,
  LockRequest,
  PutRequest,
  PutResponse,
  RangeResponse,
  RequestOptions,
  TxnRequest,
  TxnResponse,
  WatchStream,
  WatchStreamHandlers,
  WorkloadClient,
} from '../workloads/client.js';
import { ClientError } from '../workloads/client.js';
import {
  deleteRangeResponseOf,
  leaseIdOf,
  putResponseOf,
  rangeResponseOf,
  serviceLeaseId,
  servicePutRequest,
  serviceTxnRequest,
  txnResponseOf,
} from '../workloads/service-lease-ids.js';
import type { SimEtcdCluster } from './etcd-cluster.js';
import type { SimClient, SimOutcome } from './sim-client.js';

/** The world's virtual time as a Clock (every timer is an event on the world's queue). */
export function worldClockOf(cluster: SimEtcdCluster): Clock {
  return {
    nowMs: () => cluster.nowMs(),
    setTimer: (delayMs: number, callback: () => void): TimerHandle => cluster.schedule(delayMs, callback),
  };
}

/** Turns an outcome into what a WorkloadClient promise does: resolve or reject. */
function settle<T>(label: string, outcome: SimOutcome<T>): T {
  switch (outcome.type) {
    case 'ok':
      return outcome.response;
    case 'fail':
      throw outcome.error;
    case 'indeterminate':
      // Refused by a member that was down when the request arrived: it never ran, as a
      // real client's failed connect, so it is a definite failure.
      if (outcome.reason === 'connection refused') {
        throw new ClientError('connect-failed', `${label}: connection refused`, { sent: false });
      }
      // Otherwise the request reached a member: it may have taken effect.
      throw new ClientError(
        outcome.reason === 'timeout' ? 'timeout' : 'connection-lost',
        `${label}: ${outcome.reason}`,
      );
  }
}

export class SimWorkloadClient implements WorkloadClient {
  private closed = false;

  constructor(private readonly client: SimClient) {}

  private async call<T>(label: string, operation: (service: EtcdService) => Promise<T>): Promise<T> {
    if (this.closed) throw new ClientError('closed', `${label}: client is closed`, { sent: false });
    return settle(label, await this.client.call(label, operation));
  }

  // The SimClient's own timeout (set from the run's request timeout) bounds every request;
  // a per-request timeout shorter than it is not needed by any workload.
  range(request: api.RangeRequest, _options?: RequestOptions): Promise<RangeResponse> {
    return this.call('range', async (service) => rangeResponseOf(await service.range(request)));
  }

  put(request: PutRequest, _options?: RequestOptions): Promise<PutResponse> {
    return this.call('put', async (service) => putResponseOf(await service.put(servicePutRequest(request))));
  }

  deleteRange(request: api.DeleteRangeRequest, _options?: RequestOptions): Promise<DeleteRangeResponse> {
    return this.call('deleteRange', async (service) =>
      deleteRangeResponseOf(await service.deleteRange(request)),
    );
  }

  txn(request: TxnRequest, _options?: RequestOptions): Promise<TxnResponse> {
    return this.call('txn', async (service) => txnResponseOf(await service.txn(serviceTxnRequest(request))));
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    if (this.closed) throw new ClientError('closed', 'watch: client is closed', { sent: false });
    // A lost connection ends the stream without a server error; the watcher resumes.
    return this.client.watch({ onResponse: handlers.onResponse, onEnd: () => handlers.onEnd() });
  }

  leaseGrant(request: LeaseGrantRequest, _options?: RequestOptions): Promise<LeaseGrantResponse> {
    return this.call('leaseGrant', async (service) => {
      const id = request.id === undefined ? undefined : serviceLeaseId(request.id, 'leaseGrant');
      const response = await service.leaseGrant(
        id === undefined ? { ttlSeconds: request.ttlSeconds } : { ttlSeconds: request.ttlSeconds, id },
      );
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseKeepAlive(request: LeaseKeepAliveRequest, _options?: RequestOptions): Promise<LeaseKeepAliveResponse> {
    return this.call('leaseKeepAlive', async (service) => {
      const response = await service.leaseKeepAlive({ id: serviceLeaseId(request.id, 'leaseKeepAlive') });
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseRevoke(request: LeaseRevokeRequest, _options?: RequestOptions): Promise<api.LeaseRevokeResponse> {
    return this.call('leaseRevoke', async (service) =>
      service.leaseRevoke({ id: serviceLeaseId(request.id, 'leaseRevoke') }),
    );
  }

  lock(request: LockRequest, _options?: RequestOptions): Promise<api.LockResponse> {
    return this.call('lock', async (service) =>
      service.lock({ ...request, lease: serviceLeaseId(request.lease, 'lock') }),
    );
  }

  unlock(request: api.UnlockRequest, _options?: RequestOptions): Promise<api.UnlockResponse> {
    return this.call('unlock', (service) => service.unlock(request));
  }

  status(_options?: RequestOptions): Promise<api.StatusResponse> {
    return this.call('status', (service) => service.status());
  }

  close(): void {
    this.closed = true;
  }
}
