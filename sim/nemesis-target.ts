// The nemeses' fault controls (NemesisTarget) over a SimEtcdCluster. Most controls are
// the cluster's own synchronous methods, settled at once; membership changes go through
// the etcd API like a real operator's: MemberRemove / MemberAdd sent by a simulated
// client to the leader, answered after virtual time passes, and only then does the
// cluster retire the removed slot or start the fresh member on an empty disk.

import {
  type ClockStrobe,
  type DiskFault,
  type MemberState,
  type NemesisTarget,
  strobeFlipsOf,
} from '../nemesis/nemesis.js';
import type { Member } from '../server/api/cluster-types.js';
import { EtcdError } from '../server/api/errors.js';
import type { EtcdService } from '../server/api/service.js';
import type { NodeId } from '../server/raft/types.js';
import type { SimEtcdCluster } from './etcd-cluster.js';
import { SimClient, type SimOutcome } from './sim-client.js';

/** How long a membership change waits for a leader (a few election timeouts). */
const leaderWaitMsMax = 5_000;
const leaderPollMs = 50;
/** Tries of one membership change whose outcome stayed unknown (a leader change). */
const membershipAttemptsMax = 3;
/** Time between those tries: a deposed leader learns of the new term meanwhile. */
const retryBackoffMs = 500;

export class SimNemesisTarget implements NemesisTarget {
  readonly memberIds: readonly NodeId[];
  /** Created on the first membership change, so runs without one draw nothing for it. */
  private client: SimClient | undefined;
  /** How many times each slot was added back (its next peer URL's suffix). */
  private readonly additions = new Map<NodeId, number>();

  constructor(private readonly cluster: SimEtcdCluster) {
    this.memberIds = cluster.memberIds;
  }

  async leader(): Promise<NodeId | undefined> {
    return this.cluster.leader();
  }

  async stateOf(id: NodeId): Promise<MemberState> {
    return this.cluster.stateOf(id);
  }

  async crash(id: NodeId, options: { tearLastWrite?: boolean }): Promise<void> {
    this.cluster.crash(id, options);
  }

  async restart(id: NodeId): Promise<void> {
    this.cluster.restart(id);
  }

  async pause(id: NodeId): Promise<void> {
    this.cluster.pause(id);
  }

  async resume(id: NodeId): Promise<void> {
    this.cluster.resume(id);
  }

  async partition(groups: readonly (readonly NodeId[])[]): Promise<void> {
    this.cluster.partition(groups);
  }

  async blockLink(from: NodeId, to: NodeId): Promise<void> {
    this.cluster.blockLink(from, to);
  }

  async heal(): Promise<void> {
    this.cluster.heal();
  }

  async clockOffset(id: NodeId, deltaMs: number): Promise<void> {
    this.cluster.clockOffset(id, deltaMs);
  }

  /** Jumps on the world's queue, so a strobe replays with its seed like any other event. */
  async clockStrobe(id: NodeId, strobe: ClockStrobe): Promise<void> {
    const flips = strobeFlipsOf(strobe);
    let flipped = 0;
    const flip = (): void => {
      this.cluster.clockOffset(id, flipped % 2 === 0 ? strobe.deltaMs : -strobe.deltaMs);
      flipped++;
      if (flipped < flips) this.cluster.schedule(strobe.periodMs, flip);
    };
    if (flips > 0) flip();
  }

  async diskFault(id: NodeId, fault: DiskFault): Promise<void> {
    this.cluster.diskFault(id, fault);
  }

  async clearDiskFault(id: NodeId): Promise<void> {
    this.cluster.diskFault(id, undefined);
  }

  async removeMember(id: NodeId): Promise<void> {
    if (this.cluster.stateOf(id) === 'removed') throw new Error(`member ${id} is already removed`);
    const raftId = this.cluster.raftIdOf(id);
    let reason = '';
    // A retry is safe: once the removal applied, the next try answers memberNotFound.
    for (let attempt = 0; attempt < membershipAttemptsMax; attempt++) {
      if (attempt > 0) await this.sleep(retryBackoffMs);
      const outcome = await this.request('memberRemove', (service) => service.memberRemove({ id: raftId }));
      if (outcome.type === 'ok' || (outcome.type === 'fail' && outcome.error.is('memberNotFound'))) {
        this.cluster.retire(id);
        return;
      }
      if (outcome.type === 'fail') throw outcome.error;
      reason = outcome.reason;
    }
    throw new Error(`MemberRemove of ${id}: ${reason}`);
  }

  async addMember(id: NodeId): Promise<void> {
    if (this.cluster.stateOf(id) !== 'removed') throw new Error(`member ${id} is not removed`);
    const addition = (this.additions.get(id) ?? 0) + 1;
    // A new peer URL each time: etcd derives the new member id from it.
    const peerUrl = `http://sim-${id}-a${addition}:2380`;
    let reason = '';
    // A retry is safe: once the addition applied, the next try answers peerUrlExists.
    for (let attempt = 0; attempt < membershipAttemptsMax; attempt++) {
      if (attempt > 0) await this.sleep(retryBackoffMs);
      const outcome = await this.request('memberAdd', (service) =>
        service.memberAdd({ peerUrls: [peerUrl] }),
      );
      if (outcome.type === 'indeterminate') {
        reason = outcome.reason;
        continue;
      }
      let added: { member: Member; members: readonly Member[] };
      if (outcome.type === 'ok') added = outcome.response;
      else if (!outcome.error.is('peerUrlExists')) throw outcome.error;
      else {
        // Added by an earlier try whose answer was lost: the member list has it.
        const members = await this.members();
        const member = members?.find((each) => each.peerUrls.includes(peerUrl));
        if (members === undefined || member === undefined) {
          reason = 'added, but the member list is unavailable';
          continue;
        }
        added = { member, members };
      }
      this.additions.set(id, addition);
      this.cluster.join(id, { raftId: added.member.id, members: added.members });
      return;
    }
    throw new Error(`MemberAdd of ${id}: ${reason}`);
  }

  /** The member list as the leader has applied it (linearizable); undefined if unknown. */
  private async members(): Promise<readonly Member[] | undefined> {
    const outcome = await this.request('memberList', (service) => service.memberList({ linearizable: true }));
    return outcome.type === 'ok' ? outcome.response.members : undefined;
  }

  /** The leader, waiting up to `leaderWaitMsMax` of virtual time for an election. */
  private async awaitLeader(): Promise<NodeId | undefined> {
    for (let waitedMs = 0; waitedMs < leaderWaitMsMax; waitedMs += leaderPollMs) {
      const leader = this.cluster.leader();
      if (leader !== undefined) return leader;
      await this.sleep(leaderPollMs);
    }
    return this.cluster.leader();
  }

  /** Resolves after `delayMs` of virtual time. */
  private sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.cluster.schedule(delayMs, resolve));
  }

  /** Sends a cluster request to the leader over a simulated client link. */
  private async request<T>(
    label: string,
    operation: (service: EtcdService) => Promise<T>,
  ): Promise<SimOutcome<T>> {
    const leader = await this.awaitLeader();
    if (leader === undefined) return { type: 'fail', error: EtcdError.of('noLeader') };
    this.client ??= new SimClient(this.cluster, {
      memberId: leader,
      random: this.cluster.forkRandom(),
      name: 'nemesis',
    });
    this.client.connectTo(leader);
    return this.client.call(label, operation);
  }
}
