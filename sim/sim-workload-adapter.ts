// Adapts a SimClient (answers as ok / fail / indeterminate outcomes) to the
// `WorkloadClient` interface the workloads are written against (answers resolve or
// reject with an EtcdError or a ClientError), and the simulated world's queue to the
// `Clock` port the generator and the nemesis schedule run on. With these, a workload
// runs unchanged against simulated members over simulated client links.

import type { Clock, TimerHandle } from '../server/ports/clock.js';
import {
  ClientError,
  type RequestOptions,
  type WatchStream,
  type WatchStreamHandlers,
} from '../workloads/client.js';
import { ServiceWorkloadClient, type WorkloadService } from '../workloads/service-client.js';
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

export class SimWorkloadClient extends ServiceWorkloadClient {
  constructor(private readonly client: SimClient) {
    super();
  }

  // The SimClient's own timeout (set from the run's request timeout) bounds every request;
  // a per-request timeout shorter than it is not needed by any workload.
  protected async call<T>(
    method: string,
    _options: RequestOptions | undefined,
    operation: (service: WorkloadService, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    if (this.closed) throw new ClientError('closed', `${method}: client is closed`, { sent: false });
    return settle(method, await this.client.call(method, (service) => operation(service, undefined)));
  }

  watch(handlers: WatchStreamHandlers): WatchStream {
    if (this.closed) throw new ClientError('closed', 'watch: client is closed', { sent: false });
    // A lost connection ends the stream without a server error; the watcher resumes.
    return this.client.watch({ onResponse: handlers.onResponse, onEnd: () => handlers.onEnd() });
  }
}
