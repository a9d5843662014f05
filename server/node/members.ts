// The cluster's member table as this node has applied it: the initial members, then
// every applied conf change (add, remove, promote) and attribute publication. It goes
// into the node's snapshots beside the state machine, so a member added long ago is
// still listed after a restart from a compacted log.

import type { Member } from '../api/cluster-types.js';
import type { ConfChange } from '../raft/types.js';

export class Members {
  private byId = new Map<number, Member>();

  constructor(initial: readonly Member[]) {
    for (const member of initial) this.byId.set(member.id, member);
  }

  list(): Member[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): Member | undefined {
    return this.byId.get(id);
  }

  /** Applies a committed membership change; `member` is the one its context named. */
  applyConfChange(change: ConfChange, member: Member | undefined): void {
    switch (change.type) {
      case 'addVoter':
      case 'addLearner': {
        const isLearner = change.type === 'addLearner';
        const known = this.byId.get(change.nodeId);
        if (known !== undefined) {
          // Promotion or peer URL update: the name and client URLs a member published stay;
          // the change's context may have been read before that publication was applied.
          this.byId.set(change.nodeId, { ...known, peerUrls: member?.peerUrls ?? known.peerUrls, isLearner });
          return;
        }
        const base: Member = member ?? {
          id: change.nodeId,
          name: '',
          peerUrls: [],
          clientUrls: [],
          isLearner,
        };
        this.byId.set(change.nodeId, { ...base, id: change.nodeId, isLearner });
        return;
      }
      case 'removeNode':
        this.byId.delete(change.nodeId);
        return;
    }
  }

  /** A member published its name and client URLs (etcd does this once it starts). */
  publish(member: Member): void {
    const known = this.byId.get(member.id);
    if (known === undefined) return;
    this.byId.set(member.id, { ...known, name: member.name, clientUrls: member.clientUrls });
  }

  encode(): string {
    return JSON.stringify(this.list());
  }

  restore(json: string): void {
    this.byId = new Map((JSON.parse(json) as Member[]).map((member) => [member.id, member]));
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A node snapshot: [members JSON length: u32][members JSON][state machine bytes]. */
export function encodeNodeSnapshot(members: Members, state: Uint8Array): Uint8Array {
  const json = encoder.encode(members.encode());
  const bytes = new Uint8Array(4 + json.length + state.length);
  new DataView(bytes.buffer).setUint32(0, json.length);
  bytes.set(json, 4);
  bytes.set(state, 4 + json.length);
  return bytes;
}

export function decodeNodeSnapshot(bytes: Uint8Array): { membersJson: string; state: Uint8Array } {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  return {
    membersJson: decoder.decode(bytes.subarray(4, 4 + length)),
    state: bytes.subarray(4 + length),
  };
}
