// The nemeses' fault controls (NemesisTarget) over a real cluster: members are NodeIds
// 1..N for n1..nN; crash = SIGKILL (or docker kill) and restart on the same data; pause =
// SIGSTOP/SIGCONT; partitions and one-way cuts through the Toxiproxy peer proxies; the
// leader from the Status API; clock bumps through etcd-ts's fault-control endpoint.
// Disk faults go through the same endpoint. Membership changes are not offered yet in
// the real modes (UnsupportedFault, so the run reports them instead of faking them).

import {
  type DiskFault,
  type MemberState,
  type NemesisTarget,
  UnsupportedFault,
} from '../nemesis/nemesis.js';
import type { NodeId } from '../server/raft/types.js';
import type { WorkloadClient } from '../workloads/client.js';
import type { NodeCluster } from './node-cluster.js';
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

  constructor(private readonly options: ClusterTargetOptions) {
    this.memberIds = options.cluster.members.map((_, index) => index + 1);
    for (const id of this.memberIds) this.states.set(id, 'up');
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

  async diskFault(id: NodeId, fault: DiskFault): Promise<void> {
    await this.faultControl(id, 'disk', { fault });
  }

  async clearDiskFault(id: NodeId): Promise<void> {
    await this.faultControl(id, 'disk', { fault: null });
  }

  async removeMember(_id: NodeId): Promise<void> {
    throw new UnsupportedFault(
      'membership',
      'member remove/add is not offered in process and docker modes yet',
    );
  }

  async addMember(_id: NodeId): Promise<void> {
    throw new UnsupportedFault(
      'membership',
      'member remove/add is not offered in process and docker modes yet',
    );
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
