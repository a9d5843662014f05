// Collects a watch's events from a start revision up to a target revision: opens a
// watch stream on a prefix, gathers events until one at or past the target arrives,
// then closes the stream. Used by the watch and kubernetes workloads, whose watchers
// reconnect from their last revision each time. Bounded by the request timeout (a
// `ClientError` timeout) and by `eventsMax`.

import { EtcdError } from '../server/api/errors.js';
import type { Event } from '../server/api/types.js';
import type { Clock } from '../server/ports/clock.js';
import { ClientError, type WorkloadClient } from './client.js';
import { text } from './workload.js';

/** [revision, 'PUT' | 'DELETE', key without the prefix, value text] */
export type WatchedEvent = [revision: number, type: string, key: string, value: string];

export const watchEventsMax = 100_000;

export interface CollectOptions {
  readonly client: WorkloadClient;
  readonly clock: Clock;
  readonly prefix: Uint8Array;
  readonly prefixEnd: Uint8Array;
  readonly startRevision: number;
  readonly targetRevision: number;
  readonly timeoutMs: number;
}

export function collectWatch(options: CollectOptions): Promise<WatchedEvent[]> {
  const prefixLength = options.prefix.length;
  const toEvent = (event: Event): WatchedEvent => [
    event.kv.modRevision,
    event.type,
    text(event.kv.key.subarray(prefixLength)),
    text(event.kv.value),
  ];
  return new Promise((resolve, reject) => {
    const events: WatchedEvent[] = [];
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      timer.cancel();
      stream.close();
      if (error === undefined) resolve(events);
      else reject(error);
    };
    const timer = options.clock.setTimer(options.timeoutMs, () =>
      finish(
        new ClientError(
          'timeout',
          `watch: revision ${options.targetRevision} not reached in ${options.timeoutMs} ms`,
        ),
      ),
    );
    const stream = options.client.watch({
      onResponse: (response) => {
        if (response.canceled) {
          finish(response.compactRevision > 0 ? EtcdError.of('compacted') : EtcdError.of('watchCanceled'));
          return;
        }
        for (const event of response.events) {
          if (events.length >= watchEventsMax)
            return finish(new Error(`watch: more than ${watchEventsMax} events`));
          events.push(toEvent(event));
        }
        const last = events.at(-1);
        if (last !== undefined && last[0] >= options.targetRevision) finish();
      },
      onEnd: (error) => finish(error ?? new ClientError('connection-lost', 'watch: stream ended')),
    });
    if (options.targetRevision < options.startRevision) {
      finish();
      return;
    }
    stream.send({
      type: 'create',
      request: { key: options.prefix, rangeEnd: options.prefixEnd, startRevision: options.startRevision },
    });
  });
}
