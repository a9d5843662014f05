// The toy state machine each simulated node applies committed entries to. It keeps no
// data, only what the invariants need: the last applied index and term and a rolling
// hash of every entry applied so far, so two nodes that applied the same log have the
// same hash at every index, and a snapshot carries the hash across log compaction.

import { assert } from '../server/assert.js';
import type { Entry } from '../server/raft/types.js';

const proposalTag = 0x70;

/** Client proposal payload: a tag byte and a 32-bit proposal id. */
export function encodeProposal(proposalId: number): Uint8Array {
  const data = new Uint8Array(5);
  data[0] = proposalTag;
  new DataView(data.buffer).setUint32(1, proposalId);
  return data;
}

/** The proposal id an entry carries, or undefined for no-ops and config changes. */
export function decodeProposal(entry: Entry): number | undefined {
  const data = entry.data;
  if (entry.type !== 'normal' || data.length !== 5 || data[0] !== proposalTag) return undefined;
  return new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(1);
}

/** A 32-bit fingerprint of an entry's content (type and data), FNV-1a. */
export function entryFingerprint(entry: Entry): number {
  let hash = entry.type === 'normal' ? 0x811c9dc5 : 0x050c5d1f;
  const data = entry.data;
  for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i]!, 0x01000193);
  return hash >>> 0;
}

function mix(hash: number, value: number): number {
  let mixed = Math.imul(hash ^ value, 0x9e3779b1);
  mixed ^= mixed >>> 15;
  return mixed >>> 0;
}

export class HashStateMachine {
  appliedIndex = 0;
  appliedTerm = 0;
  stateHash = 0;

  apply(entry: Entry, fingerprint: number): void {
    assert(
      entry.index === this.appliedIndex + 1,
      () => `apply: index ${entry.index} after ${this.appliedIndex}`,
    );
    this.appliedIndex = entry.index;
    this.appliedTerm = entry.term;
    this.stateHash = mix(mix(this.stateHash, entry.term), fingerprint);
  }

  /** The snapshot payload: applied index, term and hash. */
  encode(): Uint8Array {
    const data = new Uint8Array(20);
    const view = new DataView(data.buffer);
    view.setFloat64(0, this.appliedIndex);
    view.setFloat64(8, this.appliedTerm);
    view.setUint32(16, this.stateHash);
    return data;
  }

  restore(data: Uint8Array): void {
    if (data.length === 0) {
      // An empty snapshot (index 0) is the initial state.
      this.appliedIndex = 0;
      this.appliedTerm = 0;
      this.stateHash = 0;
      return;
    }
    assert(data.length === 20, () => `restore: snapshot payload of ${data.length} bytes`);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.appliedIndex = view.getFloat64(0);
    this.appliedTerm = view.getFloat64(8);
    this.stateHash = view.getUint32(16);
  }
}
