// Requests that wait on Raft, in one place: client writes proposed as entries (answered
// when their entry is applied), membership changes and cluster requests (answered when
// applied), and linearizable reads (answered once a ReadIndex confirmation has arrived
// and the applied index has reached it). Every wait is bounded by the request timeout
// and by how many requests may wait at once.
//
// A request goes to Raft only while this member leads or knows a leader whose link is not
// known to be down. Otherwise it is held here, as etcd's Raft node holds proposals while
// there is no leader, and handed over once there is one (or it times out). Handing it
// over to a dead leader would lose it for sure: nothing would answer it before the
// timeout, even after a new leader is elected a second later. Held, it was never sent to
// anyone, so sending it later cannot apply it twice.

import { EtcdError } from '../api/errors.js';
import type { ApplyOutcome, ApplyRequest } from '../apply/apply-request.js';
import { encodeRaftRequest } from '../apply/request-codec.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { ConfChange, ReadState } from '../raft/types.js';
import { type ClusterRequest, encodeClusterRequest } from './cluster-requests.js';
import type { RaftLoop } from './raft-loop.js';
import type { RequestIds } from './request-ids.js';
import { Waiters } from './waiters.js';

export interface RaftRequestsOptions {
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly pendingRequestsMax: number;
  /**
   * True when a request may go to Raft now: this member leads, or it knows a leader it can
   * reach. While false, requests are held (up to their timeout).
   */
  readonly leaderReachable: () => boolean;
  /** How often held requests look again for a reachable leader (one Raft tick). */
  readonly leaderRetryMs: number;
  /** The error of a request that timed out, given when it began. Default: "request timed out". */
  readonly timeoutError?: (startedMs: number) => EtcdError;
}

/** A request waiting for a reachable leader before it goes to Raft. */
interface HeldRequest {
  /** False once its waiter was settled (timed out, or the node stopped). */
  readonly waiting: () => boolean;
  readonly send: () => void;
  readonly reject: (error: EtcdError) => void;
}

export class RaftRequests {
  private readonly proposals: Waiters<ApplyOutcome>;
  private readonly cluster: Waiters<number>;
  private readonly reads: Waiters<void>;
  /** ReadIndex answers waiting for the applied index to reach them. */
  private confirmedReads: { id: number; index: number }[] = [];
  /** The reads of this turn, whose ReadIndex is not asked for yet. */
  private readBatch: Promise<void> | undefined;
  /** Requests waiting for a reachable leader, oldest first; at most heldRequestsMax. */
  private held: HeldRequest[] = [];
  private readonly heldRequestsMax: number;
  private retryTimer: TimerHandle | undefined;

  constructor(
    private readonly loop: RaftLoop,
    private readonly ids: RequestIds,
    private readonly options: RaftRequestsOptions,
  ) {
    const { clock, requestTimeoutMs, pendingRequestsMax, timeoutError } = options;
    const waiterOptions = {
      timeoutMs: requestTimeoutMs,
      waitersMax: pendingRequestsMax,
      ...(timeoutError === undefined ? {} : { timeoutError }),
    };
    this.proposals = new Waiters(clock, waiterOptions);
    this.cluster = new Waiters(clock, waiterOptions);
    this.reads = new Waiters(clock, waiterOptions);
    this.heldRequestsMax = pendingRequestsMax;
  }

  /** Proposes a client request; resolves with what applying its entry gave. */
  propose(request: ApplyRequest): Promise<ApplyOutcome> {
    return this.submit(this.proposals, (id) => this.loop.propose(encodeRaftRequest({ id, request })));
  }

  /** Proposes a membership change whose context names the request id. */
  async proposeConfChange(change: (requestId: number) => ConfChange): Promise<void> {
    await this.submit(this.cluster, (id) => this.loop.proposeConfChange(change(id)));
  }

  /** Proposes a cluster request; resolves with the number its application gave. */
  proposeCluster(request: (requestId: number) => ClusterRequest): Promise<number> {
    return this.submit(this.cluster, (id) => this.loop.propose(encodeClusterRequest(request(id))));
  }

  /**
   * Proposes a cluster request nobody waits for here (the leader's answer to another
   * member's request); dropped without a leader, and the asker's own timeout then fires.
   */
  proposeUnanswered(request: ClusterRequest): void {
    this.loop.propose(encodeClusterRequest(request));
  }

  /**
   * Resolves once this member has applied everything committed when the call began.
   * Reads that arrive in the same turn of the event loop share one ReadIndex (as etcd's
   * read loop batches them): it is asked for at the end of the turn, after every read of
   * the batch began, so its index covers every write acknowledged before any of them.
   */
  readBarrier(): Promise<void> {
    if (this.readBatch !== undefined) return this.readBatch;
    const id = this.ids.next();
    const batch = this.reads.wait(id);
    this.readBatch = batch;
    this.options.clock.setTimer(0, () => {
      if (this.readBatch === batch) this.readBatch = undefined;
      this.sendOrHold({
        waiting: () => this.reads.has(id),
        send: () => this.loop.readIndex(encodeId(id)),
        reject: (error) => this.reads.reject(id, error),
      });
    });
    return batch;
  }

  /**
   * Hands the held requests to Raft if a leader is reachable now. The owner calls it when
   * the leader changes; a timer calls it every leaderRetryMs while requests are held.
   */
  releaseHeld(): void {
    if (this.held.length === 0 || !this.options.leaderReachable()) return;
    const held = this.held;
    this.held = [];
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    for (const request of held) if (request.waiting()) request.send();
  }

  /** How many requests wait for a reachable leader (for tests and diagnostics). */
  get heldCount(): number {
    return this.held.length;
  }

  /** A client request's entry was applied on this member. */
  settleProposal(id: number, outcome: ApplyOutcome): void {
    if (outcome.type === 'ok') this.proposals.resolve(id, outcome);
    else this.proposals.reject(id, outcome.error);
  }

  /** A membership change or cluster request was applied on this member. */
  settleCluster(id: number, value: number): void {
    this.cluster.resolve(id, value);
  }

  onReadStates(states: readonly ReadState[]): void {
    for (const state of states) {
      const id = decodeId(state.requestContext);
      if (id !== undefined && this.reads.has(id)) this.confirmedReads.push({ id, index: state.index });
    }
    this.onApplied(this.loop.applied);
  }

  /** Answers the reads whose confirmed index the applied index has reached. */
  onApplied(appliedIndex: number): void {
    if (this.confirmedReads.length === 0) return;
    const waiting: { id: number; index: number }[] = [];
    for (const read of this.confirmedReads) {
      if (read.index <= appliedIndex) this.reads.resolve(read.id, undefined);
      else waiting.push(read);
    }
    this.confirmedReads = waiting;
  }

  rejectAll(error: EtcdError): void {
    this.held = [];
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.proposals.rejectAll(error);
    this.cluster.rejectAll(error);
    this.reads.rejectAll(error);
    this.confirmedReads = [];
    this.readBatch = undefined;
  }

  private submit<T>(
    waiters: Waiters<T>,
    send: (id: number) => { type: 'ok' } | { type: 'dropped'; reason: string },
  ): Promise<T> {
    const id = this.ids.next();
    const answer = waiters.wait(id);
    if (!waiters.has(id)) return answer;
    this.sendOrHold({
      waiting: () => waiters.has(id),
      send: () => {
        if (send(id).type === 'dropped') waiters.reject(id, EtcdError.of('noLeader'));
      },
      reject: (error) => waiters.reject(id, error),
    });
    return answer;
  }

  private sendOrHold(request: HeldRequest): void {
    // Held ones go first, so that requests reach Raft in the order they arrived.
    this.releaseHeld();
    if (this.held.length === 0 && this.options.leaderReachable()) {
      request.send();
      return;
    }
    if (this.held.length >= this.heldRequestsMax) {
      request.reject(EtcdError.of('tooManyRequests'));
      return;
    }
    this.held.push(request);
    this.armRetry();
  }

  private armRetry(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.options.clock.setTimer(this.options.leaderRetryMs, () => {
      this.retryTimer = undefined;
      // Timed-out requests leave the queue here, so it holds only live ones.
      this.held = this.held.filter((held) => held.waiting());
      this.releaseHeld();
      if (this.held.length > 0) this.armRetry();
    });
  }
}

function encodeId(id: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(id));
  return bytes;
}

function decodeId(bytes: Uint8Array): number | undefined {
  if (bytes.length !== 8) return undefined;
  return Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0));
}
