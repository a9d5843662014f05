// The nemeses' fault controls (NemesisTarget) over a real cluster: members are NodeIds
// 1..N for n1..nN; crash = SIGKILL (or docker kill) and restart on the same data; pause =
// SIGSTOP/SIGCONT; partitions and one-way cuts through the Toxiproxy peer proxies; the
// leader from the Status API; clock bumps through etcd-ts's fault-control endpoint.
// Disk faults go through the same endpoint. Membership changes go through `etcdctl
// member remove/add` (run-cluster-membership.ts); the slot comes back as a fresh member
// through NodeCluster.replace, at the same peer URL, so its per-link proxies still apply.
// A cluster without replace reports them as UnsupportedFault instead of faking them.

import {
  type ClockStrobe,
  type DiskFault,
  type MemberState,
  type NemesisTarget,
  UnsupportedFault,
} from '../nemesis/nemesis.js';
import type { NodeId } from '../server/raft/types.js';
import type { WorkloadClient } from '../workloads/client.js';
import type { JoinPeer, NodeCluster, ReplaceOptions } from './node-cluster.js';
import { ClusterMembership } from './run-cluster-membership.js';
import type { ProxyNetwork } from './toxiproxy.js';

/** Bound on one Status call when looking for the leader. */
const statusTimeoutMs = 1_000;
/** Bound on one fault-control HTTP call. */
const faultControlTimeoutMs = 5_000;

export interface ClusterTargetOptions {
  readonly cluster: NodeCluster;
  readonly network: ProxyNetwork;
  /** One direct (unproxied) client per member, in member order, for Status calls. */
  readonly statusClients: readonly WorkloadClient[];
  /** The member's fault-control endpoint (etcd-ts with the flag), or undefined. */
  readonly faultControlOf?: (member: string) => string | undefined;
}

export class ClusterNemesisTarget implements NemesisTarget {
  readonly memberIds: readonly NodeId[];
  private readonly states = new Map<NodeId, MemberState>();
  /** etcd member id (from Status headers) -> NodeId, learned lazily. */
  private readonly nodeIdByMemberId = new Map<number, NodeId>();
  private readonly membership: ClusterMembership;

  constructor(private readonly options: ClusterTargetOptions) {
    this.memberIds = options.cluster.members.map((_, index) => index + 1);
    for (const id of this.memberIds) this.states.set(id, 'up');
    this.membership = new ClusterMembership(() =>
      options.cluster.members
        .filter((_, index) => this.states.get(index + 1) === 'up')
        .map((member) => `http://${member.clientListen.host}:${member.clientListen.port}`),
    );
  }

  nameOf(id: NodeId): string {
    const member = this.options.cluster.members[id - 1];
    if (member === undefined) throw new Error(`no member with id ${id}`);
    return member.name;
  }

  /** The member the first answering member names as leader; undefined when none knows one. */
  async leader(): Promise<NodeId | undefined> {
    for (const id of this.memberIds) {
      if (this.states.get(id) !== 'up') continue;
      try {
        const status = await this.options.statusClients[id - 1]!.status({ timeoutMs: statusTimeoutMs });
        this.nodeIdByMemberId.set(status.header.memberId, id);
        if (status.leader === 0) continue;
        const known = this.nodeIdByMemberId.get(status.leader);
        if (known !== undefined) return known;
        await this.learnMemberIds();
        const learned = this.nodeIdByMemberId.get(status.leader);
        if (learned !== undefined) return learned;
      } catch {
        // An unreachable or slow member does not know better; ask the next one.
      }
    }
    return undefined;
  }

  private async learnMemberIds(): Promise<void> {
    for (const id of this.memberIds) {
      if (this.states.get(id) !== 'up') continue;
      try {
        const status = await this.options.statusClients[id - 1]!.status({ timeoutMs: statusTimeoutMs });
        this.nodeIdByMemberId.set(status.header.memberId, id);
      } catch {
        // Learned on a later call.
      }
    }
  }

  async stateOf(id: NodeId): Promise<MemberState> {
    const state = this.states.get(id) ?? 'down';
    // A member can also stop by itself (a failed fsync stops etcd-ts, as etcd panics).
    if (state === 'up' && !this.options.cluster.isRunning(this.nameOf(id))) {
      this.states.set(id, 'down');
      return 'down';
    }
    return state;
  }

  async crash(id: NodeId, _options: { tearLastWrite?: boolean } = {}): Promise<void> {
    // A real crash keeps what the OS has; tearing the last write is a sim-only fault.
    await this.options.cluster.kill(this.nameOf(id));
    this.states.set(id, 'down');
  }

  async restart(id: NodeId): Promise<void> {
    await this.options.cluster.start(this.nameOf(id));
    this.states.set(id, 'up');
  }

  async pause(id: NodeId): Promise<void> {
    await this.options.cluster.pause(this.nameOf(id));
    this.states.set(id, 'paused');
  }

  async resume(id: NodeId): Promise<void> {
    await this.options.cluster.resume(this.nameOf(id));
    this.states.set(id, 'up');
  }

  async partition(groups: readonly (readonly NodeId[])[]): Promise<void> {
    await this.options.network.partition(groups.map((group) => group.map((id) => this.nameOf(id))));
  }

  async blockLink(from: NodeId, to: NodeId): Promise<void> {
    await this.options.network.blockLink(this.nameOf(from), this.nameOf(to));
  }

  async heal(): Promise<void> {
    await this.options.network.heal();
  }

  async clockOffset(id: NodeId, deltaMs: number): Promise<void> {
    if (this.options.cluster.kind === 'etcd') {
      throw new UnsupportedFault(
        'clock',
        'clock faults are unsupported on real etcd (Go binaries ignore libfaketime)',
      );
    }
    await this.faultControl(id, 'clock', { bumpMs: deltaMs });
  }

  async clockStrobe(id: NodeId, strobe: ClockStrobe): Promise<void> {
    if (this.options.cluster.kind === 'etcd') {
      throw new UnsupportedFault(
        'clock',
        'clock faults are unsupported on real etcd (Go binaries ignore libfaketime)',
      );
    }
    await this.faultControl(id, 'clock', { strobe });
  }

  async diskFault(id: NodeId, fault: DiskFault): Promise<void> {
    await this.faultControl(id, 'disk', { fault });
  }

  async clearDiskFault(id: NodeId): Promise<void> {
    await this.faultControl(id, 'disk', { fault: null });
  }

  async removeMember(id: NodeId): Promise<void> {
    this.replacer();
    const name = this.nameOf(id);
    if (this.states.get(id) === 'removed') throw new Error(`member ${name} is already removed`);
    const outcome = await this.membership.remove(this.peerUrlOf(id));
    if (outcome.type === 'refused') throw new Error(`MemberRemove of ${name}: ${outcome.reason}`);
    // Out of the cluster from here on, even if stopping it fails: the slot is added back.
    this.states.set(id, 'removed');
    // etcd stops a removed member itself; the kill makes sure and frees the slot.
    await this.options.cluster.kill(name);
  }

  async addMember(id: NodeId): Promise<void> {
    const replace = this.replacer();
    const name = this.nameOf(id);
    if (this.states.get(id) !== 'removed') throw new Error(`member ${name} is not removed`);
    const added = await this.membership.add(name, this.peerUrlOf(id));
    if (added.type === 'refused') throw new Error(`MemberAdd of ${name}: ${added.reason}`);
    const initialCluster: JoinPeer[] = added.value.listing.members.map((member) => {
      const slot = this.memberIds.find((candidate) => member.peerUrls.includes(this.peerUrlOf(candidate)));
      if (slot === undefined)
        throw new Error(`member ${member.idHex} (${member.peerUrls}) is no slot of ours`);
      return { name: this.nameOf(slot), memberIdHex: member.idHex };
    });
    try {
      await replace(name, {
        initialCluster,
        clusterIdHex: added.value.listing.clusterIdHex,
        dataDir: 'fresh',
      });
    } catch (error) {
      // A member of the cluster now, though it did not start: the final heal restarts it.
      this.states.set(id, 'down');
      throw error;
    }
    this.states.set(id, 'up');
  }

  /** The cluster's replace control; UnsupportedFault where it has none. */
  private replacer(): (member: string, options: ReplaceOptions) => Promise<void> {
    const cluster = this.options.cluster;
    if (cluster.replace === undefined) {
      throw new UnsupportedFault('membership', 'this cluster cannot start a member as a fresh one');
    }
    return (member, options) => cluster.replace!(member, options);
  }

  /** The peer URL the slot's member advertises: MemberAdd names it, MemberList shows it. */
  private peerUrlOf(id: NodeId): string {
    const member = this.options.cluster.members[id - 1];
    if (member === undefined) throw new Error(`no member with id ${id}`);
    return member.advertisePeerUrl ?? `http://${member.peerListen.host}:${member.peerListen.port}`;
  }

  /** POSTs `body` to the member's fault-control endpoint; a member that is down has nothing to fault. */
  private async faultControl(id: NodeId, path: 'clock' | 'disk', body: unknown): Promise<void> {
    const name = this.nameOf(id);
    const endpoint = this.options.faultControlOf?.(name);
    if (endpoint === undefined) {
      throw new UnsupportedFault(
        path,
        `member ${name} has no fault-control endpoint (etcd-ts started by the suite has one)`,
      );
    }
    if ((await this.stateOf(id)) !== 'up') return;
    const response = await fetch(`${endpoint}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(faultControlTimeoutMs),
    });
    if (!response.ok)
      throw new Error(`${path} fault on ${name}: HTTP ${response.status} ${await response.text()}`);
  }
}
