// An etcd-ts member: the Raft loop, the replicated state machine (MVCC store, leases,
// watches) and the client service on top, wired through the ports only, so the same node
// runs in the simulator and as a process. Writes go through Raft and answer when applied;
// linearizable reads wait for a ReadIndex confirmation and the applied index to reach
// it; serializable reads are served from local state. The leader expires leases by its
// own Clock and revokes them through Raft.

import type { Member } from '../api/cluster-types.js';
import { EtcdError } from '../api/errors.js';
import type { EtcdService, LockOptions, WatchStream, WatchStreamHandlers } from '../api/service.js';
import { frameSnapshot } from '../api/snapshot-framing.js';
import type * as api from '../api/types.js';
import type { ApplyOutcome, ApplyRequest, ApplyResponse } from '../apply/apply-request.js';
import { StateMachine } from '../apply/state-machine.js';
import { hashKv } from '../mvcc/hash-kv.js';
import type { TimerHandle } from '../ports/clock.js';
import type { RaftStatus } from '../raft/raw-node.js';
import type { ConfChange, Entry, SoftState } from '../raft/types.js';
import {
  type ClusterRequest,
  decodeClusterRequest,
  decodeMember,
  encodeMember,
  isClusterRequest,
} from './cluster-requests.js';
import { acquireLock, releaseLock } from './lock-recipe.js';
import { memberIdOf } from './member-id.js';
import { decodeNodeSnapshot, encodeNodeSnapshot, Members } from './members.js';
import { type EtcdNodeOptions, type ResolvedNodeOptions, resolveNodeOptions } from './node-options.js';
import { PeerActivity } from './peer-activity.js';
import { RaftLoop } from './raft-loop.js';
import { RaftRequests } from './raft-requests.js';
import { checkAdd, checkRemoveVoter, type ReconfigVerdict, type ReconfigView } from './reconfig-check.js';
import { RequestIds } from './request-ids.js';
import { NodeWatchStream } from './watch-stream.js';

/** The response type of each request type. */
type ResponseOf = { [R in ApplyResponse as R['type']]: R['response'] };

/** The version etcd-ts reports; it speaks etcd 3.4's API. */
export const serverVersion = '3.4.0';

export class EtcdNode implements EtcdService {
  readonly options: ResolvedNodeOptions;
  private readonly state: StateMachine;
  private readonly loop: RaftLoop;
  private readonly requests: RaftRequests;
  private readonly watchStreams = new Set<NodeWatchStream>();
  private readonly members: Members;
  private readonly peerActivity: PeerActivity;
  private published = false;
  private leaderId = 0;
  private isLeader = false;
  /** When this member last saw a new leader (etcd's leadElectedTime), by its Clock. */
  private leaderElectedMs = Number.NEGATIVE_INFINITY;
  private leaseTimer: TimerHandle | undefined;
  private stopped = false;

  constructor(options: EtcdNodeOptions) {
    this.options = resolveNodeOptions(options);
    const { clock, memberId, clusterId } = this.options;
    this.members = new Members(this.options.members);
    this.state = new StateMachine({ clusterId, memberId });
    this.peerActivity = new PeerActivity(clock, this.options.tickMs * this.options.electionTicks);
    this.loop = new RaftLoop(
      {
        id: memberId,
        // A member joining a running cluster must not bootstrap a membership of its own.
        peers:
          this.options.initialClusterState === 'existing'
            ? []
            : this.options.members.filter((member) => !member.isLearner).map((member) => member.id),
        clock,
        random: this.options.random,
        transport: this.peerActivity.observe(this.options.transport),
        persistence: this.options.persistence,
        tickMs: this.options.tickMs,
        electionTicks: this.options.electionTicks,
        heartbeatTicks: this.options.heartbeatTicks,
        snapshotEntries: this.options.snapshotEntries,
        snapshotCatchUpEntries: this.options.snapshotCatchUpEntries,
        ...(this.options.plantedBugs ? { plantedBugs: this.options.plantedBugs } : {}),
      },
      {
        applyEntry: (entry) => this.applyEntry(entry),
        applyConfChange: (change) => this.applyConfChange(change),
        restoreSnapshot: (data) => this.restoreSnapshot(data),
        takeSnapshot: () => encodeNodeSnapshot(this.members, this.state.snapshot()),
        onApplied: (appliedIndex) => this.requests.onApplied(appliedIndex),
        onReadStates: (states) => this.requests.onReadStates(states),
        onSoftState: (soft) => this.onSoftState(soft),
      },
    );
    this.requests = new RaftRequests(this.loop, new RequestIds(memberId, this.options.random), {
      clock,
      requestTimeoutMs: this.options.requestTimeoutMs,
      pendingRequestsMax: this.options.pendingRequestsMax,
      leaderReachable: () => this.leaderReachable(),
      leaderRetryMs: this.options.tickMs,
      timeoutError: (startedMs) => this.timeoutError(startedMs),
    });
  }

  start(): void {
    this.loop.start();
    this.scheduleLeaseCheck();
    this.options.log?.(`etcd-ts member ${hex(this.options.memberId)} started`);
  }

  /** Stops the node: pending requests fail with "server stopped", watch streams end. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.loop.stop();
    this.leaseTimer?.cancel();
    this.requests.rejectAll(EtcdError.of('stopped'));
    for (const stream of this.watchStreams) stream.end();
    this.options.persistence.close();
  }

  raftStatus(): RaftStatus {
    return this.loop.status();
  }

  /** Peers this member heard from within an election timeout (the reconfig check's view). */
  peersHeardRecently(): ReadonlySet<number> {
    return this.peerActivity.activePeers();
  }

  /** The store's current revision (for tests and the runner's final checks). */
  get revision(): number {
    return this.state.store.currentRevision;
  }

  // ---- KV ----

  async range(request: api.RangeRequest): Promise<api.RangeResponse> {
    if (!request.serializable && !this.options.unsafe.serveReadsLocally) await this.linearizableBarrier();
    return this.local({ type: 'range', request }, 'range');
  }

  async put(request: api.PutRequest): Promise<api.PutResponse> {
    return this.propose({ type: 'put', request }, 'put');
  }

  async deleteRange(request: api.DeleteRangeRequest): Promise<api.DeleteRangeResponse> {
    return this.propose({ type: 'deleteRange', request }, 'deleteRange');
  }

  async txn(request: api.TxnRequest): Promise<api.TxnResponse> {
    return this.propose({ type: 'txn', request }, 'txn');
  }

  async compact(request: api.CompactionRequest): Promise<api.CompactionResponse> {
    return this.propose({ type: 'compaction', request }, 'compaction');
  }

  // ---- Watch ----

  watch(handlers: WatchStreamHandlers): WatchStream {
    const stream = new NodeWatchStream(this.state.watchable, handlers, () => this.header());
    this.watchStreams.add(stream);
    const close = stream.close.bind(stream);
    stream.close = () => {
      this.watchStreams.delete(stream);
      close();
    };
    return stream;
  }

  // ---- Lease ----

  async leaseGrant(request: api.LeaseGrantRequest): Promise<api.LeaseGrantResponse> {
    return this.propose({ type: 'leaseGrant', request }, 'leaseGrant');
  }

  async leaseRevoke(request: api.LeaseRevokeRequest): Promise<api.LeaseRevokeResponse> {
    return this.propose({ type: 'leaseRevoke', request }, 'leaseRevoke');
  }

  async leaseKeepAlive(request: api.LeaseKeepAliveRequest): Promise<api.LeaseKeepAliveResponse> {
    this.requireRunning();
    if (this.isLeader) {
      return { header: this.header(), id: request.id, ttlSeconds: this.renewLocally(request.id) };
    }
    // Expiry is decided by the leader's clock. etcd forwards a follower's keep-alive to
    // the leader over HTTP; etcd-ts sends it through Raft and the leader renews on apply.
    const ttlSeconds = await this.requests.proposeCluster((requestId) => ({
      type: 'leaseRenew',
      requestId,
      leaseId: request.id,
    }));
    return { header: this.header(), id: request.id, ttlSeconds };
  }

  /** Leader only: renews now; 0 for a lease that does not exist (what etcd sends). */
  private renewLocally(leaseId: number): number {
    try {
      return this.state.lessor.renew(leaseId, this.options.clock.nowMs());
    } catch (error) {
      if (error instanceof EtcdError && (error.is('leaseNotFound') || error.is('notLeader'))) return 0;
      throw error;
    }
  }

  async leaseTimeToLive(request: api.LeaseTimeToLiveRequest): Promise<api.LeaseTimeToLiveResponse> {
    await this.linearizableBarrier();
    try {
      const ttl = this.state.lessor.timeToLive(request.id, this.options.clock.nowMs());
      return {
        header: this.header(),
        id: request.id,
        ttlSeconds: ttl.ttlSeconds,
        grantedTtlSeconds: ttl.grantedTtlSeconds,
        keys: request.keys ? ttl.keys : [],
      };
    } catch (error) {
      if (error instanceof EtcdError && error.is('leaseNotFound')) {
        return { header: this.header(), id: request.id, ttlSeconds: -1, grantedTtlSeconds: 0, keys: [] };
      }
      throw error;
    }
  }

  async leaseLeases(): Promise<api.LeaseLeasesResponse> {
    await this.linearizableBarrier();
    return { header: this.header(), leases: this.state.lessor.leaseIds().map((id) => ({ id })) };
  }

  // ---- Cluster ----

  async memberList(request: api.MemberListRequest): Promise<api.MemberListResponse> {
    if (request.linearizable) await this.linearizableBarrier();
    else this.requireRunning();
    return { header: this.clusterHeader(), members: this.members.list() };
  }

  async memberAdd(request: api.MemberAddRequest): Promise<api.MemberAddResponse> {
    this.requireRunning();
    const taken = new Set(this.members.list().flatMap((member) => member.peerUrls));
    if (request.peerUrls.some((url) => taken.has(url))) throw EtcdError.of('peerUrlExists');
    const id = memberIdOf(request.peerUrls, this.options.clusterId.toString(16));
    if (this.members.get(id)) throw EtcdError.of('memberExists');
    const member: Member = {
      id,
      name: '',
      peerUrls: request.peerUrls,
      clientUrls: [],
      isLearner: request.isLearner ?? false,
    };
    this.requireReconfig(checkAdd(this.reconfigView(), { isLearner: member.isLearner }));
    await this.requests.proposeConfChange((requestId) => ({
      type: member.isLearner ? 'addLearner' : 'addVoter',
      nodeId: id,
      context: encodeMember(member, requestId),
    }));
    return { header: this.clusterHeader(), member, members: this.members.list() };
  }

  async memberRemove(request: api.MemberRemoveRequest): Promise<api.MemberChangeResponse> {
    this.requireRunning();
    const removed = this.members.get(request.id);
    if (!removed) throw EtcdError.of('memberNotFound');
    if (!removed.isLearner) this.requireReconfig(checkRemoveVoter(this.reconfigView(), removed.id));
    await this.requests.proposeConfChange((requestId) => ({
      type: 'removeNode',
      nodeId: request.id,
      context: encodeMember(this.members.get(request.id)!, requestId),
    }));
    return { header: this.clusterHeader(), members: this.members.list() };
  }

  async memberUpdate(request: api.MemberUpdateRequest): Promise<api.MemberChangeResponse> {
    this.requireRunning();
    const known = this.members.get(request.id);
    if (!known) throw EtcdError.of('memberNotFound');
    await this.requests.proposeConfChange((requestId) => ({
      type: known.isLearner ? 'addLearner' : 'addVoter',
      nodeId: request.id,
      context: encodeMember({ ...known, peerUrls: request.peerUrls }, requestId),
    }));
    return { header: this.clusterHeader(), members: this.members.list() };
  }

  async memberPromote(request: api.MemberPromoteRequest): Promise<api.MemberChangeResponse> {
    this.requireRunning();
    const known = this.members.get(request.id);
    if (!known) throw EtcdError.of('memberNotFound');
    if (!known.isLearner) throw EtcdError.of('memberNotLearner');
    await this.requests.proposeConfChange((requestId) => ({
      type: 'addVoter',
      nodeId: request.id,
      context: encodeMember({ ...known, isLearner: false }, requestId),
    }));
    return { header: this.clusterHeader(), members: this.members.list() };
  }

  // ---- Maintenance ----

  async status(): Promise<api.StatusResponse> {
    this.requireRunning();
    const raft = this.loop.status();
    const dbSizeBytes = this.state.snapshot().length;
    return {
      header: this.header(),
      version: serverVersion,
      dbSizeBytes,
      leader: this.leaderId,
      raftIndex: raft.commit,
      raftTerm: raft.term,
      raftAppliedIndex: this.loop.applied,
      errors: [],
      dbSizeInUseBytes: dbSizeBytes,
      isLearner: this.members.get(this.options.memberId)?.isLearner ?? false,
    };
  }

  async hash(): Promise<api.HashResponse> {
    this.requireRunning();
    // etcd's Hash covers its whole backend; etcd-ts has no backend file, so it hashes the
    // key space the way HashKV does at the current revision.
    return { header: this.header(), hash: hashKv(this.state.store).hash };
  }

  async hashKv(request: api.HashKvRequest): Promise<api.HashKvResponse> {
    this.requireRunning();
    const result = hashKv(this.state.store, request.revision ?? 0);
    return { header: this.header(), hash: result.hash, compactRevision: result.compactRevision };
  }

  async *snapshot(): AsyncIterable<api.SnapshotChunk> {
    this.requireRunning();
    // etcdctl checks the download's framing (a SHA-256 trailer on 512-byte blocks).
    const bytes = frameSnapshot(this.state.snapshot());
    const chunkBytes = 32 * 1024;
    for (let offset = 0; offset < bytes.length || offset === 0; offset += chunkBytes) {
      const blob = bytes.subarray(offset, offset + chunkBytes);
      yield { header: this.header(), remainingBytes: Math.max(0, bytes.length - offset - blob.length), blob };
      if (bytes.length === 0) return;
    }
  }

  async alarm(): Promise<api.AlarmResponse> {
    this.requireRunning();
    return { header: this.header(), alarms: [] };
  }

  async defragment(): Promise<api.DefragmentResponse> {
    this.requireRunning();
    // The store lives in memory and compaction frees space at once: nothing to defragment.
    return { header: this.header() };
  }

  // ---- v3lock ----

  async lock(request: api.LockRequest, options?: LockOptions): Promise<api.LockResponse> {
    return acquireLock(this, request, options);
  }

  async unlock(request: api.UnlockRequest): Promise<api.UnlockResponse> {
    return releaseLock(this, request);
  }

  // ---- internals ----

  private header(): api.ResponseHeader {
    return this.state.applier.header(this.loop.status().term);
  }

  /**
   * What the strict reconfiguration check (reconfig-check.ts) sees. Only the leader hears from every voter
   * (heartbeat responses), so only the leader judges who is connected; a follower checks
   * the started members only.
   */
  private reconfigView(): ReconfigView {
    return {
      voters: this.members
        .list()
        .filter((member) => !member.isLearner)
        .map((member) => ({ id: member.id, started: member.name !== '' })),
      self: this.options.memberId,
      activePeers: this.isLeader ? this.peerActivity.activePeers() : undefined,
    };
  }

  private requireReconfig(verdict: ReconfigVerdict): void {
    if (verdict.type === 'refused') throw EtcdError.of(verdict.error);
  }

  /** Cluster responses carry no revision in etcd (membership is not in the key space). */
  private clusterHeader(): api.ResponseHeader {
    return { ...this.header(), revision: 0 };
  }

  private requireRunning(): void {
    if (this.stopped) throw EtcdError.of('stopped');
  }

  private async propose<T extends ApplyResponse['type']>(
    request: ApplyRequest,
    type: T,
  ): Promise<ResponseOf[T]> {
    this.requireRunning();
    return unwrap(await this.requests.propose(request), type);
  }

  private local<T extends ApplyResponse['type']>(request: ApplyRequest, type: T): ResponseOf[T] {
    this.requireRunning();
    const outcome = this.state.applier.apply(request, {
      raftTerm: this.loop.status().term,
      nowMs: this.options.clock.nowMs(),
    });
    return unwrap(outcome, type);
  }

  private applyConfChange(change: ConfChange): void {
    const carried = decodeMember(change.context);
    this.members.applyConfChange(change, carried?.member);
    this.options.onMembersChanged?.(this.members.list());
    if (carried) this.requests.settleCluster(carried.requestId, 0);
  }

  private applyClusterRequest(request: ClusterRequest): void {
    switch (request.type) {
      case 'publish':
        this.members.publish(request.member);
        this.options.onMembersChanged?.(this.members.list());
        this.requests.settleCluster(request.requestId, 0);
        return;
      case 'leaseRenew': {
        // Only the leader's clock renews, and only the leader knows whether the lease had
        // expired (its revoke may be on the way): a follower answering from its own lessor
        // would acknowledge a keep-alive the leader refused. The leader's answer goes back
        // through the log to the member that asked.
        if (!this.isLeader) return;
        const ttlSeconds = this.renewLocally(request.leaseId);
        this.requests.settleCluster(request.requestId, ttlSeconds);
        this.requests.proposeUnanswered({ type: 'leaseRenewed', requestId: request.requestId, ttlSeconds });
        return;
      }
      case 'leaseRenewed':
        this.requests.settleCluster(request.requestId, request.ttlSeconds);
        return;
    }
  }

  private restoreSnapshot(data: Uint8Array): void {
    const { membersJson, state } = decodeNodeSnapshot(data);
    this.members.restore(membersJson);
    this.state.restore(state, this.options.clock.nowMs());
    this.options.onMembersChanged?.(this.members.list());
  }

  /** Publishes this member's name and client URLs once a leader exists (etcd does too). */
  private publishSelf(): void {
    if (this.published || this.stopped || this.leaderId === 0) return;
    const self = this.options.members.find((member) => member.id === this.options.memberId);
    const known = this.members.get(this.options.memberId);
    if (!self || !known) {
      this.published = true;
      return;
    }
    this.published = true;
    this.requests
      .proposeCluster((requestId) => ({
        type: 'publish',
        requestId,
        member: { ...known, ...self, isLearner: known.isLearner },
      }))
      .catch(() => {
        // Not applied in time (no quorum yet): try again on the next leader change or check.
        this.published = false;
      });
  }

  /** Waits until this node has applied everything committed when the call began. */
  private async linearizableBarrier(): Promise<void> {
    this.requireRunning();
    await this.requests.readBarrier();
  }

  private applyEntry(entry: Entry): void {
    if (isClusterRequest(entry.data)) {
      this.applyClusterRequest(decodeClusterRequest(entry.data));
      return;
    }
    const { id, outcome } = this.state.applyEntryData(entry.data, {
      raftTerm: entry.term,
      nowMs: this.options.clock.nowMs(),
    });
    this.requests.settleProposal(id, outcome);
  }

  /** Whether a request may go to Raft now: see RaftRequests. */
  private leaderReachable(): boolean {
    if (this.isLeader) return true;
    if (this.leaderId === 0) return false;
    return this.options.transport.isReachable?.(this.leaderId) ?? true;
  }

  /** etcd's choice of timeout error (parseProposeCtxErr): it names a likely cause. */
  private timeoutError(startedMs: number): EtcdError {
    const electionMs = this.options.electionTicks * this.options.tickMs;
    if (startedMs > this.leaderElectedMs - 2 * electionMs && startedMs < this.leaderElectedMs) {
      return EtcdError.of('timeoutDueToLeaderFail');
    }
    if (this.leaderId !== 0 && !this.leaderReachable()) {
      return EtcdError.of('timeoutDueToConnectionLost');
    }
    return EtcdError.of('timeout');
  }

  private onSoftState(soft: SoftState): void {
    const wasLeader = this.isLeader;
    const now = this.options.clock.nowMs();
    if (soft.lead !== 0 && soft.lead !== this.leaderId) this.leaderElectedMs = now;
    this.leaderId = soft.lead;
    this.isLeader = soft.state === 'leader';
    // Requests held while no leader was reachable go now, once this Ready is worked.
    if (this.leaderReachable()) this.options.clock.setTimer(0, () => this.requests.releaseHeld());
    if (!this.published) this.publishSelf();
    if (this.isLeader && !wasLeader) {
      this.state.lessor.promote(now, this.options.electionTicks * this.options.tickMs);
    } else if (!this.isLeader && wasLeader) {
      this.state.lessor.demote();
    }
  }

  private scheduleLeaseCheck(): void {
    this.leaseTimer = this.options.clock.setTimer(this.options.leaseCheckIntervalMs, () => {
      if (this.stopped) return;
      for (const id of this.state.lessor.expiredLeases(this.options.clock.nowMs())) {
        this.leaseRevoke({ id }).catch((error: unknown) => {
          this.options.log?.(`revoking expired lease ${hex(id)}: ${(error as Error).message}`);
        });
      }
      this.state.watchable.syncUnsynced();
      if (!this.published) this.publishSelf();
      this.scheduleLeaseCheck();
    });
  }
}

function unwrap<T extends ApplyResponse['type']>(outcome: ApplyOutcome, type: T): ResponseOf[T] {
  if (outcome.type === 'error') throw outcome.error;
  if (outcome.response.type !== type) {
    throw EtcdError.invalidRequest(`expected a ${type} response, got ${outcome.response.type}`);
  }
  return outcome.response.response as ResponseOf[T];
}

function hex(id: number): string {
  return id.toString(16);
}
