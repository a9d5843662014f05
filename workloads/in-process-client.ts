// The workload client for the simulator: it calls an `EtcdService` (an etcd-ts node)
// directly, so sim runs take the same request path as real ones minus the wire. The
// timeout runs on the injected Clock (virtual time in the simulator), never on real
// timers, so a run stays deterministic.

import { requirePositiveInteger } from '../server/config-error.js';
import type { Clock } from '../server/ports/clock.js';
import {
  ClientError,
  type RequestOptions,
  requestTimeoutMsDefault,
  type WatchStream,
  type WatchStreamHandlers,
} from './client.js';
import { ServiceWorkloadClient, type WorkloadService } from './service-client.js';

export interface InProcessClientOptions {
  readonly clock: Clock;
  /** Default 5000 ms (Jepsen's etcd client). */
  readonly timeoutMsDefault?: number;
}

export class InProcessClient extends ServiceWorkloadClient {
  private readonly clock: Clock;
  private readonly timeoutMsDefault: number;

  constructor(
    private readonly service: WorkloadService,
    options: InProcessClientOptions,
  ) {
    super();
    this.clock = options.clock;
    this.timeoutMsDefault = options.timeoutMsDefault ?? requestTimeoutMsDefault;
    requirePositiveInteger('timeoutMsDefault', this.timeoutMsDefault);
  }

  /** Runs `operation` against the service, rejecting with a timeout after `timeoutMs` of clock time. */
  protected call<T>(
    method: string,
    options: RequestOptions | undefined,
    operation: (service: WorkloadService, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
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
      operation(this.service, abort.signal).then(
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

  watch(handlers: WatchStreamHandlers): WatchStream {
    if (this.closed) throw new ClientError('closed', 'watch: client is closed', { sent: false });
    return this.service.watch(handlers);
  }
}
