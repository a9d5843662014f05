// The lessor, as etcd's: leases with a TTL in seconds, the keys attached to each, and an
// expiry that only the leader keeps (followers hold leases "forever" and learn of expiry
// through the revoke the leader proposes). Time enters only as `nowMs` arguments from the
// node's Clock. Grant and revoke are applied from committed Raft entries; renew runs on the
// leader only, as in etcd, and is not replicated.

import { EtcdError } from '../api/errors.js';
import { assert } from '../assert.js';
import { ConfigError, requirePositiveInteger } from '../config-error.js';
import { bytesToMapKey, compareBytes } from '../mvcc/key-range.js';
import type { LeaseAttachments, WriteTxn } from '../mvcc/kv-store.js';

/** etcd's MaxLeaseTTL: larger requests fail with "etcdserver: too large lease TTL". */
export const leaseTtlSecondsMax = 9_000_000_000;
/** etcd revokes at most this many leases per second; promotion spreads expiries to match. */
export const leaseRevokesPerSecondMax = 1000;
/** etcd's expiredLeaseRetryInterval: an expired lease is reported again after this. */
export const expiredLeaseRetryMs = 3000;

export interface LessorOptions {
  /**
   * The minimum TTL a grant gets. etcd derives it from the election timeout:
   * ceil(1.5 * electionTimeout) in seconds, 2 with etcd's default 1000 ms. Default 2.
   */
  readonly minTtlSeconds?: number;
  /** Most expired leases one `expiredLeases()` call reports. Default 500 (etcd's per-tick). */
  readonly expiredLeasesMax?: number;
}

export interface Lease {
  readonly id: number;
  /** The granted TTL in seconds (after raising to the minimum). */
  readonly ttlSeconds: number;
  /** Leader only: when the lease expires on this node's clock; undefined: never (follower). */
  expiryMs: number | undefined;
  /** Attached keys by their map key. */
  readonly keys: Map<string, Uint8Array>;
  /** When this node last reported the lease as expired (for the retry interval). */
  reportedExpiredAtMs: number | undefined;
}

export interface TimeToLive {
  readonly id: number;
  /** Remaining whole seconds (truncated, as etcd); the granted TTL on a follower. */
  readonly ttlSeconds: number;
  readonly grantedTtlSeconds: number;
  readonly keys: Uint8Array[];
}

export class Lessor implements LeaseAttachments {
  readonly minTtlSeconds: number;
  readonly expiredLeasesMax: number;
  private readonly leasesById = new Map<number, Lease>();
  private primary = false;

  constructor(options: LessorOptions = {}) {
    this.minTtlSeconds = options.minTtlSeconds ?? 2;
    this.expiredLeasesMax = options.expiredLeasesMax ?? 500;
    requirePositiveInteger('minTtlSeconds', this.minTtlSeconds);
    requirePositiveInteger('expiredLeasesMax', this.expiredLeasesMax);
    if (this.minTtlSeconds > leaseTtlSecondsMax) {
      throw new ConfigError('minTtlSeconds', this.minTtlSeconds, `it must be at most ${leaseTtlSecondsMax}`);
    }
  }

  get isPrimary(): boolean {
    return this.primary;
  }

  lookup(id: number): Lease | undefined {
    return this.leasesById.get(id);
  }

  /** Every lease id, ascending. */
  leaseIds(): number[] {
    return [...this.leasesById.keys()].sort((left, right) => left - right);
  }

  /** Applies a committed grant; `nowMs` starts the expiry on the leader. */
  grant(id: number, ttlSeconds: number, nowMs: number): Lease {
    assert(Number.isSafeInteger(id) && id > 0, () => `lease id ${id} must be positive`);
    if (ttlSeconds > leaseTtlSecondsMax) throw EtcdError.of('leaseTtlTooLarge');
    if (this.leasesById.has(id)) throw EtcdError.of('leaseExists');
    const lease: Lease = {
      id,
      ttlSeconds: Math.max(ttlSeconds, this.minTtlSeconds),
      expiryMs: undefined,
      keys: new Map(),
      reportedExpiredAtMs: undefined,
    };
    if (this.primary) lease.expiryMs = nowMs + lease.ttlSeconds * 1000;
    this.leasesById.set(id, lease);
    return lease;
  }

  /** Applies a committed revoke: deletes every attached key in `txn`, in key order. */
  revoke(id: number, txn: WriteTxn): void {
    const lease = this.leasesById.get(id);
    if (lease === undefined) throw EtcdError.of('leaseNotFound');
    const keys = [...lease.keys.values()].sort(compareBytes);
    for (const key of keys) txn.deleteRange(key, undefined);
    this.leasesById.delete(id);
  }

  /** A keep-alive on the leader: the lease now expires TTL seconds from `nowMs`. */
  renew(id: number, nowMs: number): number {
    if (!this.primary) throw EtcdError.of('notLeader');
    const lease = this.leasesById.get(id);
    // An expired lease waits for its revoke; etcd reports it as gone already.
    if (lease === undefined || (lease.expiryMs !== undefined && lease.expiryMs <= nowMs)) {
      throw EtcdError.of('leaseNotFound');
    }
    lease.expiryMs = nowMs + lease.ttlSeconds * 1000;
    lease.reportedExpiredAtMs = undefined;
    return lease.ttlSeconds;
  }

  timeToLive(id: number, nowMs: number): TimeToLive {
    const lease = this.leasesById.get(id);
    if (lease === undefined) throw EtcdError.of('leaseNotFound');
    const remainingMs = lease.expiryMs === undefined ? lease.ttlSeconds * 1000 : lease.expiryMs - nowMs;
    return {
      id,
      ttlSeconds: Math.trunc(remainingMs / 1000),
      grantedTtlSeconds: lease.ttlSeconds,
      keys: [...lease.keys.values()].sort(compareBytes),
    };
  }

  /**
   * Leader only: leases whose expiry has passed and that were not reported within the
   * retry interval, at most `expiredLeasesMax`, by id. The node proposes their revoke.
   */
  expiredLeases(nowMs: number): number[] {
    if (!this.primary) return [];
    const expired: number[] = [];
    for (const id of this.leaseIds()) {
      if (expired.length >= this.expiredLeasesMax) break;
      const lease = this.leasesById.get(id)!;
      if (lease.expiryMs === undefined || lease.expiryMs > nowMs) continue;
      if (lease.reportedExpiredAtMs !== undefined && nowMs - lease.reportedExpiredAtMs < expiredLeaseRetryMs)
        continue;
      lease.reportedExpiredAtMs = nowMs;
      expired.push(id);
    }
    return expired;
  }

  /**
   * This node became leader: every lease gets its full TTL plus `extendMs` from now, so a
   * leader change never expires a lease its client kept alive (keep-alives may still reach
   * the old leader for up to an election timeout). etcd calls it with the election timeout
   * once the new leader has applied the entries of its own term. As etcd does, when many
   * leases would expire in the same second, later ones are pushed back so that no more
   * than 3/4 of the revoke rate expire per second.
   */
  promote(nowMs: number, extendMs: number): void {
    this.primary = true;
    for (const lease of this.leasesById.values()) {
      lease.expiryMs = nowMs + extendMs + lease.ttlSeconds * 1000;
      lease.reportedExpiredAtMs = undefined;
    }
    if (this.leasesById.size < leaseRevokesPerSecondMax) return;
    this.spreadExpiries(nowMs, extendMs);
  }

  /** This node is no longer leader: leases stop expiring here. */
  demote(): void {
    this.primary = false;
    for (const lease of this.leasesById.values()) lease.expiryMs = undefined;
  }

  attach(leaseId: number, key: Uint8Array): void {
    const lease = this.leasesById.get(leaseId);
    assert(lease !== undefined, () => `attach to unknown lease ${leaseId}`);
    lease.keys.set(bytesToMapKey(key), key.slice());
  }

  detach(leaseId: number, key: Uint8Array): void {
    // A key may outlive its lease's record during revoke; nothing to detach then.
    this.leasesById.get(leaseId)?.keys.delete(bytesToMapKey(key));
  }

  /** Replaces every lease (snapshot restore); keys are re-attached by the caller. */
  restore(leases: readonly { id: number; ttlSeconds: number }[], nowMs: number): void {
    this.leasesById.clear();
    for (const { id, ttlSeconds } of leases) {
      this.leasesById.set(id, {
        id,
        ttlSeconds,
        expiryMs: undefined,
        keys: new Map(),
        reportedExpiredAtMs: undefined,
      });
    }
    if (this.primary) this.promote(nowMs, 0);
  }

  private spreadExpiries(nowMs: number, extendMs: number): void {
    const targetPerSecond = Math.floor((3 * leaseRevokesPerSecondMax) / 4);
    const byExpiry = [...this.leasesById.values()].sort(
      (left, right) => left.expiryMs! - right.expiryMs! || left.id - right.id,
    );
    let baseWindowMs = byExpiry[0]!.expiryMs! - nowMs;
    let nextWindowMs = baseWindowMs + 1000;
    let expires = 0;
    for (const lease of byExpiry) {
      const remainingMs = lease.expiryMs! - nowMs;
      if (remainingMs > nextWindowMs) {
        baseWindowMs = remainingMs;
        nextWindowMs = baseWindowMs + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetPerSecond) continue;
      const delayMs = Math.floor((1000 * expires) / targetPerSecond - (remainingMs - baseWindowMs));
      nextWindowMs = baseWindowMs + delayMs;
      lease.expiryMs = nowMs + delayMs + extendMs + lease.ttlSeconds * 1000;
    }
  }
}
