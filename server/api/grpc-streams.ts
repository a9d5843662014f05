// The three streaming RPCs of the gRPC server: Watch (bidirectional, many watchers per
// stream), LeaseKeepAlive (bidirectional, one renewal per message, answered in order)
// and Maintenance.Snapshot (server stream with backpressure). Each handler turns the
// stream into calls on the EtcdService and never lets an exception escape the stream.

import type * as grpc from '@grpc/grpc-js';
import { EtcdError } from './errors.js';
import type { EtcdService, WatchStream } from './service.js';
import type { LeaseKeepAliveResponse } from './types.js';
import { decodeWatchRequest } from './wire-decode.js';
import {
  emptyHeader,
  encodeHeader,
  encodeSnapshotChunk,
  encodeWatchResponse,
  type WireResponse,
} from './wire-encode.js';
import { isWireObject, readInteger, type WireObject } from './wire-fields.js';

/** Turns any failure into the status a client sees (EtcdError as is, others INTERNAL). */
export type ToStatus = (error: unknown, method: string) => grpc.StatusObject;

/**
 * The streams a server has open, so that shutting down can end each one with a status
 * (a watch stream would otherwise stay open forever and block a graceful stop).
 */
export class OpenStreams {
  private readonly enders = new Set<(status: grpc.StatusObject) => void>();

  /** Registers a stream's ender; call the returned function once the stream is over. */
  add(end: (status: grpc.StatusObject) => void): () => void {
    this.enders.add(end);
    return () => this.enders.delete(end);
  }

  endAll(status: grpc.StatusObject): void {
    for (const end of [...this.enders]) end(status);
    this.enders.clear();
  }
}

export interface StreamContext {
  /** Keep-alive requests of one stream waiting for their renewal; more is refused. */
  readonly keepAlivePendingMax: number;
  /** Watch responses buffered for one slow client; more cancels its stream. */
  readonly watchResponsesQueuedMax: number;
  readonly toStatus: ToStatus;
  readonly openStreams: OpenStreams;
}

type Duplex = grpc.ServerDuplexStream<WireObject, WireResponse>;

function endWithStatus(
  call: Duplex | grpc.ServerWritableStream<WireObject, WireResponse>,
  status: grpc.StatusObject,
) {
  // grpc-js turns an 'error' event on a server stream into the call's final status.
  call.emit('error', { code: status.code, details: status.details, metadata: status.metadata });
}

export function watchHandler(service: EtcdService, context: StreamContext) {
  const { toStatus } = context;
  return (call: Duplex): void => {
    let ended = false;
    let stream: WatchStream | undefined;
    const finish = (status?: grpc.StatusObject) => {
      if (ended) return;
      ended = true;
      forget();
      stream?.close();
      if (status === undefined) call.end();
      else endWithStatus(call, status);
    };
    const forget = context.openStreams.add(finish);
    try {
      stream = service.watch({
        // Called from inside the node: nothing thrown here may travel back into it.
        onResponse: (response) => {
          if (ended) return;
          try {
            if (call.writableLength >= context.watchResponsesQueuedMax) {
              finish(toStatus(EtcdError.of('tooManyRequests'), 'Watch'));
              return;
            }
            call.write(encodeWatchResponse(response));
          } catch (error) {
            finish(toStatus(error, 'Watch'));
          }
        },
        onEnd: (error) => finish(error === undefined ? undefined : toStatus(error, 'Watch')),
      });
    } catch (error) {
      finish(toStatus(error, 'Watch'));
      return;
    }
    const watchStream = stream;
    call.on('data', (wire: unknown) => {
      if (ended) return;
      try {
        receiveWatchRequest(call, watchStream, wire);
      } catch (error) {
        finish(toStatus(error, 'Watch'));
      }
    });
    // A client that half-closes keeps its watchers, as on etcd: the stream ends when the
    // client cancels it or goes away.
    call.on('cancelled', () => finish());
    call.on('error', () => finish());
  };
}

/**
 * A create request etcd-ts cannot read is answered as etcd answers a failed create:
 * created and canceled at once, with the reason. Other unreadable messages are ignored,
 * as etcd ignores requests it does not understand on a watch stream.
 */
function receiveWatchRequest(call: Duplex, stream: WatchStream, wire: unknown): void {
  const message = isWireObject(wire) ? wire : {};
  let request: ReturnType<typeof decodeWatchRequest>;
  try {
    request = decodeWatchRequest(message);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    if (message.create_request) {
      call.write({
        header: encodeHeader(emptyHeader),
        watch_id: -1,
        created: true,
        canceled: true,
        cancel_reason: error.message,
      });
    }
    return;
  }
  stream.send(request);
}

export function leaseKeepAliveHandler(service: EtcdService, context: StreamContext) {
  const { toStatus } = context;
  return (call: Duplex): void => {
    let ended = false;
    let pending = 0;
    // Renewals run one after another so responses come back in request order.
    let chain: Promise<void> = Promise.resolve();
    const finish = (status?: grpc.StatusObject) => {
      if (ended) return;
      ended = true;
      forget();
      if (status === undefined) call.end();
      else endWithStatus(call, status);
    };
    const forget = context.openStreams.add(finish);
    const renew = async (wire: unknown) => {
      if (ended) return;
      const id = readInteger(isWireObject(wire) ? wire : {}, 'ID', 'LeaseKeepAliveRequest');
      let response: LeaseKeepAliveResponse;
      try {
        response = await service.leaseKeepAlive({ id });
      } catch (error) {
        if (!(error instanceof EtcdError && error.is('leaseNotFound'))) throw error;
        // etcd answers an unknown lease on this stream with TTL 0, not with an error.
        response = { header: emptyHeader, id, ttlSeconds: 0 };
      }
      if (!ended)
        call.write({ header: encodeHeader(response.header), ID: response.id, TTL: response.ttlSeconds });
    };
    call.on('data', (wire: unknown) => {
      if (ended) return;
      if (pending >= context.keepAlivePendingMax) {
        finish(toStatus(EtcdError.of('tooManyRequests'), 'LeaseKeepAlive'));
        return;
      }
      pending += 1;
      chain = chain
        .then(() => renew(wire))
        .catch((error: unknown) => finish(toStatus(error, 'LeaseKeepAlive')))
        .finally(() => {
          pending -= 1;
        })
        .catch((error: unknown) => {
          toStatus(error, 'LeaseKeepAlive');
        });
    });
    // The client half-closing still gets the answers to what it already sent.
    call.on('end', () => {
      chain = chain
        .then(() => finish())
        .catch((error: unknown) => {
          toStatus(error, 'LeaseKeepAlive');
        });
    });
    const abandon = () => {
      ended = true;
      forget();
    };
    call.on('cancelled', abandon);
    call.on('error', abandon);
  };
}

export function snapshotHandler(service: EtcdService, context: StreamContext) {
  return (call: grpc.ServerWritableStream<WireObject, WireResponse>): void => {
    let over = false;
    const stop = (status?: grpc.StatusObject) => {
      if (over) return;
      over = true;
      forget();
      if (status !== undefined) endWithStatus(call, status);
    };
    const forget = context.openStreams.add(stop);
    call.on('cancelled', () => stop());
    sendSnapshot(service, call, () => over)
      .then(
        () => {
          if (over) return;
          stop();
          call.end();
        },
        (error: unknown) => stop(context.toStatus(error, 'Snapshot')),
      )
      .catch((error: unknown) => context.toStatus(error, 'Snapshot'));
  };
}

async function sendSnapshot(
  service: EtcdService,
  call: grpc.ServerWritableStream<WireObject, WireResponse>,
  isCancelled: () => boolean,
): Promise<void> {
  const iterator = service.snapshot()[Symbol.asyncIterator]();
  try {
    while (!isCancelled()) {
      const next = await iterator.next();
      if (next.done === true) return;
      if (!call.write(encodeSnapshotChunk(next.value))) await drained(call);
    }
  } finally {
    if (isCancelled()) await iterator.return?.();
  }
}

/** Resolves when the stream can take more data, or the client went away. */
function drained(call: grpc.ServerWritableStream<WireObject, WireResponse>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
