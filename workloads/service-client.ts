// A WorkloadClient over an etcd-ts node's service called directly, its requests written
// once for the in-process client and the simulator's adapter: each converts the request
// to the service's types and the answer back (lease ids, service-lease-ids.ts). A
// subclass says how a call runs (its timeout, how a failure reads) and how a watch opens.

import type { EtcdService } from '../server/api/service.js';
import type * as api from '../server/api/types.js';
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
} from './client.js';
import {
  deleteRangeResponseOf,
  leaseIdOf,
  putResponseOf,
  rangeResponseOf,
  serviceLeaseId,
  servicePutRequest,
  serviceTxnRequest,
  txnResponseOf,
} from './service-lease-ids.js';

/** The part of a node's service the workloads call. */
export type WorkloadService = Pick<
  EtcdService,
  | 'range'
  | 'put'
  | 'deleteRange'
  | 'txn'
  | 'watch'
  | 'leaseGrant'
  | 'leaseKeepAlive'
  | 'leaseRevoke'
  | 'lock'
  | 'unlock'
  | 'status'
>;

export abstract class ServiceWorkloadClient implements WorkloadClient {
  protected closed = false;

  /**
   * Runs `operation` on the service as request `method`. `signal`, where the subclass has
   * one, aborts once the caller has given up on the answer.
   */
  protected abstract call<T>(
    method: string,
    options: RequestOptions | undefined,
    operation: (service: WorkloadService, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T>;

  abstract watch(handlers: WatchStreamHandlers): WatchStream;

  range(request: api.RangeRequest, options?: RequestOptions): Promise<RangeResponse> {
    return this.call('range', options, async (service) => rangeResponseOf(await service.range(request)));
  }

  put(request: PutRequest, options?: RequestOptions): Promise<PutResponse> {
    return this.call('put', options, async (service) =>
      putResponseOf(await service.put(servicePutRequest(request))),
    );
  }

  deleteRange(request: api.DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse> {
    return this.call('deleteRange', options, async (service) =>
      deleteRangeResponseOf(await service.deleteRange(request)),
    );
  }

  txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    return this.call('txn', options, async (service) =>
      txnResponseOf(await service.txn(serviceTxnRequest(request))),
    );
  }

  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    return this.call('leaseGrant', options, async (service) => {
      const id = request.id === undefined ? undefined : serviceLeaseId(request.id, 'leaseGrant');
      const response = await service.leaseGrant(
        id === undefined ? { ttlSeconds: request.ttlSeconds } : { ttlSeconds: request.ttlSeconds, id },
      );
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseKeepAlive(request: LeaseKeepAliveRequest, options?: RequestOptions): Promise<LeaseKeepAliveResponse> {
    return this.call('leaseKeepAlive', options, async (service) => {
      const response = await service.leaseKeepAlive({ id: serviceLeaseId(request.id, 'leaseKeepAlive') });
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<api.LeaseRevokeResponse> {
    return this.call('leaseRevoke', options, async (service) =>
      service.leaseRevoke({ id: serviceLeaseId(request.id, 'leaseRevoke') }),
    );
  }

  lock(request: LockRequest, options?: RequestOptions): Promise<api.LockResponse> {
    // The abort tells the node to stop queueing for the lock once the client gave up.
    return this.call('lock', options, async (service, signal) =>
      service.lock({ ...request, lease: serviceLeaseId(request.lease, 'lock') }, { signal }),
    );
  }

  unlock(request: api.UnlockRequest, options?: RequestOptions): Promise<api.UnlockResponse> {
    return this.call('unlock', options, (service) => service.unlock(request));
  }

  status(options?: RequestOptions): Promise<api.StatusResponse> {
    return this.call('status', options, (service) => service.status());
  }

  close(): void {
    this.closed = true;
  }
}
