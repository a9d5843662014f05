// The leader's view of one follower (etcd's Progress): how far its log matches, what
// to send next, and the flow-control state — probe (one message per heartbeat until the
// match point is found), replicate (pipelined up to an inflight window) or snapshot
// (waiting for an InstallSnapshot to land).

import { assert } from '../assert.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** A ring of the last index of each append message in flight, bounded by inflightMax. */
export class Inflights {
  private readonly indexes: number[] = [];
  readonly inflightMax: number;

  constructor(inflightMax: number) {
    this.inflightMax = inflightMax;
  }

  add(lastIndex: number): void {
    assert(!this.full(), 'cannot add to a full inflight window');
    this.indexes.push(lastIndex);
  }

  /** Frees every message whose last index is <= index (acknowledged). */
  freeLE(index: number): void {
    let count = 0;
    while (count < this.indexes.length && (this.indexes[count] as number) <= index) count++;
    if (count > 0) this.indexes.splice(0, count);
  }

  freeFirstOne(): void {
    this.indexes.shift();
  }

  full(): boolean {
    return this.indexes.length >= this.inflightMax;
  }

  count(): number {
    return this.indexes.length;
  }

  reset(): void {
    this.indexes.length = 0;
  }
}

export class Progress {
  /** Highest index known to match the leader's log. */
  match = 0;
  /** Next index to send. */
  next: number;
  state: ProgressState = 'probe';
  /** In snapshot state: the index of the snapshot sent. */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** In probe state: a message was sent and no answer came yet. */
  probeSent = false;
  /** Leader ticks spent in snapshot state, to retry a snapshot whose loss nobody reported. */
  snapshotTicks = 0;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(options: { next: number; inflightMax: number; isLearner: boolean }) {
    this.next = options.next;
    this.inflights = new Inflights(options.inflightMax);
    this.isLearner = options.isLearner;
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotTicks = 0;
    this.state = state;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot, the follower holds at least the snapshot's index.
    const next =
      this.state === 'snapshot' ? Math.max(this.match + 1, this.pendingSnapshot + 1) : this.match + 1;
    this.resetState('probe');
    this.next = next;
  }

  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshotIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapshotIndex;
  }

  /** An acknowledgment up to index: returns true if the match point moved. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /** Records that entries up to lastIndex were sent. */
  sentEntries(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  /**
   * A rejection of the append at `rejected`; `matchHint` is where the logs may agree.
   * Returns false for a stale rejection (of a message sent before a later success).
   */
  maybeDecreaseTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}
