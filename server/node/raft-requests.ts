// Requests that wait on Raft, in one place: client writes proposed as entries (answered
// when their entry is applied), membership changes and cluster requests (answered when
// applied), and linearizable reads (answered once a ReadIndex confirmation has arrived
// and the applied index has reached it). Every wait is bounded by the request timeout
// and by how many requests may wait at once.

import { EtcdError } from '../api/errors.js';
import type { ApplyOutcome, ApplyRequest } from '../apply/apply-request.js';
import { encodeRaftRequest } from '../apply/request-codec.js';
import type { Clock } from '../ports/clock.js';
import type { ConfChange, ReadState } from '../raft/types.js';
import { type ClusterRequest, encodeClusterRequest } from './cluster-requests.js';
import type { RaftLoop } from './raft-loop.js';
import type { RequestIds } from './request-ids.js';
import { Waiters } from './waiters.js';

export interface RaftRequestsOptions {
  readonly clock: Clock;
  readonly requestTimeoutMs: number;
  readonly pendingRequestsMax: number;
  /** False while this member knows no leader: requests fail at once with "no leader". */
  readonly hasLeader: () => boolean;
}

export class RaftRequests {
  private readonly proposals: Waiters<ApplyOutcome>;
  private readonly cluster: Waiters<number>;
  private readonly reads: Waiters<void>;
  /** ReadIndex answers waiting for the applied index to reach them. */
  private confirmedReads: { id: number; index: number }[] = [];
  /** The reads of this turn, whose ReadIndex is not asked for yet. */
  private readBatch: Promise<void> | undefined;

  constructor(
    private readonly loop: RaftLoop,
    private readonly ids: RequestIds,
    private readonly options: RaftRequestsOptions,
  ) {
    const { clock, requestTimeoutMs, pendingRequestsMax } = options;
    this.proposals = new Waiters(clock, requestTimeoutMs, pendingRequestsMax);
    this.cluster = new Waiters(clock, requestTimeoutMs, pendingRequestsMax);
    this.reads = new Waiters(clock, requestTimeoutMs, pendingRequestsMax);
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
   * Resolves once this member has applied everything committed when the call began.
   * Reads that arrive in the same turn of the event loop share one ReadIndex (as etcd's
   * read loop batches them): it is asked for at the end of the turn, after every read of
   * the batch began, so its index covers every write acknowledged before any of them.
   */
  readBarrier(): Promise<void> {
    if (this.readBatch !== undefined) return this.readBatch;
    if (!this.options.hasLeader()) return Promise.reject(EtcdError.of('noLeader'));
    const id = this.ids.next();
    const batch = this.reads.wait(id);
    this.readBatch = batch;
    this.options.clock.setTimer(0, () => {
      if (this.readBatch === batch) this.readBatch = undefined;
      this.loop.readIndex(encodeId(id));
    });
    return batch;
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
    this.proposals.rejectAll(error);
    this.cluster.rejectAll(error);
    this.reads.rejectAll(error);
    this.confirmedReads = [];
    this.readBatch = undefined;
  }

  private async submit<T>(
    waiters: Waiters<T>,
    send: (id: number) => { type: 'ok' } | { type: 'dropped'; reason: string },
  ): Promise<T> {
    if (!this.options.hasLeader()) throw EtcdError.of('noLeader');
    const id = this.ids.next();
    const answer = waiters.wait(id);
    if (send(id).type === 'dropped') waiters.reject(id, EtcdError.of('noLeader'));
    return answer;
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
