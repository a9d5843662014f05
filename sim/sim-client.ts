// An in-process client of a simulated etcd-ts member, for workloads in sim mode. A
// request travels a simulated client link (a seeded latency each way, which a partition
// can cut), runs on the member's checked EtcdService, and its answer travels back. A
// request whose answer does not arrive within `timeoutMs` of virtual time, or that fails
// in a way that may still have taken effect, is "indeterminate" — what Jepsen records as
// info — so a workload never learns more than a real client over a real network would.

import { EtcdError } from '../server/api/errors.js';
import type { EtcdService, WatchStream } from '../server/api/service.js';
import type * as api from '../server/api/types.js';
import { assert } from '../server/assert.js';
import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import type { MemberState, SimEtcdCluster } from './etcd-cluster.js';

export type SimOutcome<T> =
  | { readonly type: 'ok'; readonly response: T }
  /** The request definitely did not take effect (an error etcd returns before applying). */
  | { readonly type: 'fail'; readonly error: EtcdError }
  /** It may or may not have taken effect: timeout, lost connection, leader change. */
  | { readonly type: 'indeterminate'; readonly reason: string };

export interface SimClientOptions {
  readonly memberId: NodeId;
  readonly random: Random;
  /** Default 5000 ms of virtual time. */
  readonly timeoutMs?: number;
  /** One-way latency of the client link, drawn uniformly. Default 0.1 to 1 ms. */
  readonly latencyUsMin?: number;
  readonly latencyUsMax?: number;
  /** Name in trace lines. Default `client`. */
  readonly name?: string;
}

/** gRPC UNAVAILABLE: etcd's errors that leave the outcome of a request unknown. */
const unavailableCode = 14;

export class SimClient {
  private memberId: NodeId;
  private connected = true;
  private readonly timeoutMs: number;
  private readonly latencyUsMin: number;
  private readonly latencyUsMax: number;
  private readonly name: string;
  private nextRequest = 1;
  private readonly watches = new Set<SimWatchStream>();

  constructor(
    private readonly cluster: SimEtcdCluster,
    private readonly options: SimClientOptions,
  ) {
    this.memberId = options.memberId;
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.latencyUsMin = options.latencyUsMin ?? 100;
    this.latencyUsMax = options.latencyUsMax ?? 1000;
    this.name = options.name ?? 'client';
    cluster.onMemberDown((id) => {
      for (const watch of [...this.watches]) if (watch.memberId === id) watch.end('connection lost');
    });
    requirePositiveInteger('timeoutMs', this.timeoutMs);
    if (!Number.isSafeInteger(this.latencyUsMin) || this.latencyUsMin < 0) {
      throw new ConfigError('latencyUsMin', this.latencyUsMin, 'it must be a non-negative integer');
    }
    if (!Number.isSafeInteger(this.latencyUsMax) || this.latencyUsMax < this.latencyUsMin) {
      throw new ConfigError(
        'latencyUsMax',
        this.latencyUsMax,
        `it must be an integer >= ${this.latencyUsMin}`,
      );
    }
    if (!cluster.memberIds.includes(options.memberId)) {
      throw new ConfigError('memberId', options.memberId, `members are ${cluster.memberIds.join(', ')}`);
    }
  }

  /** The member this client talks to. */
  get member(): NodeId {
    return this.memberId;
  }

  /** Points the client at another member (a reconnect). */
  connectTo(memberId: NodeId): void {
    this.memberId = memberId;
  }

  /** Cuts (false) or restores (true) the link between this client and its member. */
  setConnected(connected: boolean): void {
    this.connected = connected;
    this.cluster.record(`${this.name} link ${connected ? 'up' : 'down'}`);
    if (!connected) for (const watch of [...this.watches]) watch.end('connection lost');
  }

  /**
   * Opens a watch stream to the member over the client link. Responses arrive in order
   * after the link's latency; the stream ends ('connection lost') when the link is cut or
   * the member goes down, and the caller reconnects from its last revision.
   */
  watch(handlers: SimWatchHandlers): SimWatchStream {
    const watch = new SimWatchStream(this, this.memberId, handlers);
    this.watches.add(watch);
    if (!this.connected) {
      this.cluster.schedule(0, () => watch.end('connection lost'));
      return watch;
    }
    this.cluster.schedule(this.latencyMs(), () => {
      if (!this.connected) return;
      if (isGone(this.cluster.stateOf(watch.memberId))) {
        this.acrossLink(this.latencyMs(), () => watch.end('connection refused'));
        return;
      }
      const incarnation = this.cluster.incarnationOf(watch.memberId);
      this.cluster.runOnMember(watch.memberId, incarnation, () =>
        watch.open(this.cluster.service(watch.memberId)),
      );
    });
    return watch;
  }

  /** @internal Runs `action` after one crossing of the client link; lost when it is cut. */
  acrossLink(delayMs: number, action: () => void): void {
    if (!this.connected) return;
    this.cluster.schedule(delayMs, () => {
      if (this.connected) action();
    });
  }

  /** @internal One crossing's latency, drawn from the client's random stream. */
  linkLatencyMs(): number {
    return this.latencyMs();
  }

  /** @internal */
  forgetWatch(watch: SimWatchStream): void {
    this.watches.delete(watch);
  }

  /** @internal */
  get world(): SimEtcdCluster {
    return this.cluster;
  }

  put(request: api.PutRequest): Promise<SimOutcome<api.PutResponse>> {
    return this.call('put', (service) => service.put(request));
  }

  range(request: api.RangeRequest): Promise<SimOutcome<api.RangeResponse>> {
    return this.call('range', (service) => service.range(request));
  }

  deleteRange(request: api.DeleteRangeRequest): Promise<SimOutcome<api.DeleteRangeResponse>> {
    return this.call('deleteRange', (service) => service.deleteRange(request));
  }

  txn(request: api.TxnRequest): Promise<SimOutcome<api.TxnResponse>> {
    return this.call('txn', (service) => service.txn(request));
  }

  leaseGrant(request: api.LeaseGrantRequest): Promise<SimOutcome<api.LeaseGrantResponse>> {
    return this.call('leaseGrant', (service) => service.leaseGrant(request));
  }

  leaseRevoke(request: api.LeaseRevokeRequest): Promise<SimOutcome<api.LeaseRevokeResponse>> {
    return this.call('leaseRevoke', (service) => service.leaseRevoke(request));
  }

  leaseKeepAlive(request: api.LeaseKeepAliveRequest): Promise<SimOutcome<api.LeaseKeepAliveResponse>> {
    return this.call('leaseKeepAlive', (service) => service.leaseKeepAlive(request));
  }

  /**
   * Sends any request over the client link. The promise settles only while the cluster
   * runs (every step of the way is a virtual-time event), so a caller starts requests
   * and then drives `cluster.runUntil(...)`.
   */
  call<T>(label: string, operation: (service: EtcdService) => Promise<T>): Promise<SimOutcome<T>> {
    const requestId = this.nextRequest++;
    const memberId = this.memberId;
    const tag = `${this.name} #${requestId} ${label} @${memberId}`;
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: SimOutcome<T>): void => {
        if (settled) return;
        settled = true;
        timeout.cancel();
        this.cluster.record(`${tag} ${describe(outcome)}`);
        resolve(outcome);
      };
      const timeout = this.cluster.schedule(this.timeoutMs, () =>
        settle({ type: 'indeterminate', reason: 'timeout' }),
      );
      this.cluster.record(`${tag} invoke`);
      if (!this.connected) return;
      this.cluster.schedule(this.latencyMs(), () => {
        if (!this.connected) return;
        if (isGone(this.cluster.stateOf(memberId))) {
          // Nothing listens: the refusal comes back at once, like a TCP reset. The outcome
          // stays indeterminate, which a checker always accepts.
          this.acrossLink(this.latencyMs(), () =>
            settle({ type: 'indeterminate', reason: 'connection refused' }),
          );
          return;
        }
        const incarnation = this.cluster.incarnationOf(memberId);
        this.cluster.runOnMember(memberId, incarnation, () => {
          const service = this.cluster.service(memberId);
          if (service === undefined) return;
          const reply = (outcome: SimOutcome<T>): void => {
            // A member that crashed since took the connection (and the answer) with it.
            if (this.cluster.incarnationOf(memberId) !== incarnation || !this.connected) return;
            this.cluster.schedule(this.latencyMs(), () => {
              if (this.connected) settle(outcome);
            });
          };
          let pending: Promise<T>;
          try {
            pending = operation(service);
          } catch (error) {
            reply(classify(error));
            return;
          }
          pending.then(
            (response) => reply({ type: 'ok', response }),
            (error: unknown) => reply(classify(error)),
          );
        });
      });
    });
  }

  private latencyMs(): number {
    return this.options.random.intBetween(this.latencyUsMin, this.latencyUsMax) / 1000;
  }
}

function classify<T>(error: unknown): SimOutcome<T> {
  if (error instanceof EtcdError && error.code !== unavailableCode) return { type: 'fail', error };
  return { type: 'indeterminate', reason: error instanceof Error ? error.message : String(error) };
}

function describe(outcome: SimOutcome<unknown>): string {
  switch (outcome.type) {
    case 'ok':
      return 'ok';
    case 'fail':
      return `fail ${outcome.error.kind}`;
    case 'indeterminate':
      return `info ${outcome.reason}`;
  }
}

export interface SimWatchHandlers {
  readonly onResponse: (response: api.WatchResponse) => void;
  /** The stream ended: the member ended it, or the connection was lost. */
  readonly onEnd: (reason: string) => void;
}

/** Requests sent before the stream reached the member; more is a runaway workload. */
const pendingWatchRequestsMax = 10_000;

/** A watch stream of a SimClient; every step crosses the simulated client link. */
export class SimWatchStream {
  private stream: WatchStream | undefined;
  private pending: api.WatchRequest[] = [];
  private ended = false;
  /** Latest scheduled delivery: the stream is FIFO like its TCP connection. */
  private lastDeliveryMs = 0;

  constructor(
    private readonly client: SimClient,
    readonly memberId: NodeId,
    private readonly handlers: SimWatchHandlers,
  ) {}

  send(request: api.WatchRequest): void {
    if (this.ended) return;
    if (this.stream === undefined) {
      assert(this.pending.length < pendingWatchRequestsMax, 'pendingWatchRequestsMax reached');
      this.pending.push(request);
      return;
    }
    const stream = this.stream;
    const incarnation = this.client.world.incarnationOf(this.memberId);
    this.client.acrossLink(this.client.linkLatencyMs(), () => {
      this.client.world.runOnMember(this.memberId, incarnation, () => {
        if (!this.ended) stream.send(request);
      });
    });
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.client.forgetWatch(this);
    this.stream?.close();
  }

  /** @internal Runs on the member when the stream's opening reaches it. */
  open(service: EtcdService | undefined): void {
    if (this.ended) return;
    if (service === undefined) {
      this.end('connection lost');
      return;
    }
    this.stream = service.watch({
      onResponse: (response) => this.deliver(() => this.handlers.onResponse(response)),
      onEnd: (error) => this.deliver(() => this.end(error?.message ?? 'stream ended')),
    });
    for (const request of this.pending) this.stream.send(request);
    this.pending = [];
  }

  /** @internal Ends the stream once; the handler hears about it. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.client.forgetWatch(this);
    this.handlers.onEnd(reason);
  }

  private deliver(action: () => void): void {
    const world = this.client.world;
    // FIFO like the stream's TCP connection: a response never overtakes an earlier one.
    const atMs = Math.max(world.nowMs() + this.client.linkLatencyMs(), this.lastDeliveryMs);
    this.lastDeliveryMs = atMs;
    this.client.acrossLink(atMs - world.nowMs(), () => {
      if (!this.ended) action();
    });
  }
}

/** Nothing listens on a member that is down or was removed from the cluster. */
function isGone(state: MemberState): boolean {
  return state === 'down' || state === 'removed';
}
