// The workload client for the simulator: it calls an `EtcdService` (an etcd-ts node)
// directly, so sim runs take the same request path as real ones minus the wire. The
// timeout runs on the injected Clock (virtual time in the simulator), never on real
// timers, so a run stays deterministic.

import type { EtcdService } from '../server/api/service.js';
import type * as api from '../server/api/types.js';
import { requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import {
  ClientError,
  type DeleteRangeResponse,
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  type LeaseRevokeRequest,
  type LockRequest,
  type PutRequest,
  type PutResponse,
  type RangeResponse,
  type RequestOptions,
  requestTimeoutMsDefault,
  type TxnRequest,
  type TxnResponse,
  type WatchStream,
  type WatchStreamHandlers,
  type WorkloadClient,
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

export interface InProcessClientOptions {
  readonly clock: Clock;
  /** Default 5000 ms (Jepsen's etcd client). */
  readonly timeoutMsDefault?: number;
}

export class InProcessClient implements WorkloadClient {
  private readonly clock: Clock;
  private readonly timeoutMsDefault: number;
  private closed = false;

  constructor(
    private readonly service: WorkloadService,
    options: InProcessClientOptions,
  ) {
    this.clock = options.clock;
    this.timeoutMsDefault = options.timeoutMsDefault ?? requestTimeoutMsDefault;
    requirePositiveInteger('timeoutMsDefault', this.timeoutMsDefault);
  }

  /** Runs `call` against the service, rejecting with a timeout after `timeoutMs` of clock time. */
  private request<T>(
    method: string,
    options: RequestOptions | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ) {
    if (this.closed) {
      return Promise.reject(new ClientError('closed', `${method}: client is closed`, { sent: false }));
    }
    const timeoutMs = options?.timeoutMs ?? this.timeoutMsDefault;
    const abort = new AbortController();
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = this.clock.setTimer(timeoutMs, () => {
        if (settled) return;
        settled = true;
        abort.abort();
        reject(new ClientError('timeout', `${method}: no answer within ${timeoutMs} ms`));
      });
      call(abort.signal).then(
        (response) => {
          if (settled) return;
          settled = true;
          timer.cancel();
          resolve(response);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          timer.cancel();
          reject(error);
        },
      );
    });
  }

  range(request: api.RangeRequest, options?: RequestOptions): Promise<RangeResponse> {
    return this.request('range', options, async () => rangeResponseOf(await this.service.range(request)));
  }

  put(request: PutRequest, options?: RequestOptions): Promise<PutResponse> {
    return this.request('put', options, async () =>
      putResponseOf(await this.service.put(servicePutRequest(request))),
    );
  }

  deleteRange(request: api.DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse> {
    return this.request('deleteRange', options, async () =>
      deleteRangeResponseOf(await this.service.deleteRange(request)),
    );
  }

  txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    return this.request('txn', options, async () =>
      txnResponseOf(await this.service.txn(serviceTxnRequest(request))),
    );
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    if (this.closed) throw new ClientError('closed', 'watch: client is closed', { sent: false });
    return this.service.watch(handlers);
  }

  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    return this.request('leaseGrant', options, async () => {
      const id = request.id === undefined ? undefined : serviceLeaseId(request.id, 'leaseGrant');
      const response = await this.service.leaseGrant(
        id === undefined ? { ttlSeconds: request.ttlSeconds } : { ttlSeconds: request.ttlSeconds, id },
      );
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseKeepAlive(request: LeaseKeepAliveRequest, options?: RequestOptions): Promise<LeaseKeepAliveResponse> {
    return this.request('leaseKeepAlive', options, async () => {
      const response = await this.service.leaseKeepAlive({
        id: serviceLeaseId(request.id, 'leaseKeepAlive'),
      });
      return { ...response, id: leaseIdOf(response.id) };
    });
  }

  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<api.LeaseRevokeResponse> {
    return this.request('leaseRevoke', options, async () =>
      this.service.leaseRevoke({ id: serviceLeaseId(request.id, 'leaseRevoke') }),
    );
  }

  lock(request: LockRequest, options?: RequestOptions): Promise<api.LockResponse> {
    // The abort tells the node to stop queueing for the lock once the client gave up.
    return this.request('lock', options, async (signal) =>
      this.service.lock({ ...request, lease: serviceLeaseId(request.lease, 'lock') }, { signal }),
    );
  }

  unlock(request: api.UnlockRequest, options?: RequestOptions): Promise<api.UnlockResponse> {
    return this.request('unlock', options, () => this.service.unlock(request));
  }

  status(options?: RequestOptions): Promise<api.StatusResponse> {
    return this.request('status', options, () => this.service.status());
  }

  close(): void {
    this.closed = true;
  }
}
