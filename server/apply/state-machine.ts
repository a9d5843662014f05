// The whole replicated state of an etcd-ts node in one place: the MVCC store, the lessor,
// the watchers over the store and the applier, with the snapshot of the replicated parts
// (store and leases) as deterministic bytes: StateSnapshot{store=1, leases=2}, each the
// bytes of store-snapshot.ts and lease-snapshot.ts.

import { EtcdError } from '../api/errors.js';
import { CodecError, decodeWith, newWriter, readBytes, readFields, writeBytes } from '../codec/index.js';
import { encodeLeases, restoreLeases } from '../lease/lease-snapshot.js';
import { Lessor, type LessorOptions } from '../lease/lessor.js';
import { KvStore } from '../mvcc/kv-store.js';
import { decodeStore, encodeStore } from '../mvcc/store-snapshot.js';
import { WatchableStore, type WatchableStoreOptions } from '../mvcc/watchable-store.js';
import { Applier, type ApplierOptions, type ApplyContext } from './applier.js';
import type { ApplyOutcome } from './apply-request.js';
import { decodeRaftRequest } from './request-codec.js';

export interface StateMachineOptions extends ApplierOptions {
  readonly lessor?: LessorOptions;
  readonly watch?: WatchableStoreOptions;
}

export class StateMachine {
  readonly store = new KvStore();
  readonly lessor: Lessor;
  readonly watchable: WatchableStore;
  readonly applier: Applier;

  constructor(options: StateMachineOptions) {
    this.lessor = new Lessor(options.lessor);
    this.store.leases = this.lessor;
    this.watchable = new WatchableStore(this.store, options.watch);
    this.applier = new Applier(this.store, this.lessor, options);
  }

  /**
   * Applies the data of one committed normal entry (bytes from `encodeRaftRequest`).
   * Bytes that do not decode are answered with an invalid-request error on every replica
   * alike, and change nothing.
   */
  applyEntryData(
    data: Uint8Array,
    context: Omit<ApplyContext, 'requestId'>,
  ): { id: number; outcome: ApplyOutcome } {
    let decoded: ReturnType<typeof decodeRaftRequest>;
    try {
      decoded = decodeRaftRequest(data);
    } catch (error) {
      if (!(error instanceof CodecError)) throw error;
      return { id: 0, outcome: { type: 'error', error: EtcdError.invalidRequest(error.message) } };
    }
    return {
      id: decoded.id,
      outcome: this.applier.apply(decoded.request, { ...context, requestId: decoded.id }),
    };
  }

  snapshot(): Uint8Array {
    const writer = newWriter();
    writeBytes(writer, 1, encodeStore(this.store), true);
    writeBytes(writer, 2, encodeLeases(this.lessor), true);
    return writer.finish();
  }

  /** Replaces the state with a snapshot's; watchers resume from their next revision. */
  restore(bytes: Uint8Array, nowMs: number): void {
    const parts = decodeWith(bytes, 'state snapshot', (reader) => {
      let store: Uint8Array | undefined;
      let leases: Uint8Array | undefined;
      readFields(reader, undefined, (field) => {
        if (field === 1) store = readBytes(reader);
        else if (field === 2) leases = readBytes(reader);
        else return false;
        return true;
      });
      if (store === undefined || leases === undefined)
        throw new CodecError('state snapshot lacks store or leases');
      return { store, leases };
    });
    // Decode into a scratch store first so that bad bytes leave the live state untouched.
    const scratch = decodeStore(parts.store);
    restoreLeases(new Lessor({ minTtlSeconds: this.lessor.minTtlSeconds }), parts.leases, {
      store: scratch,
      nowMs,
    });
    decodeStore(parts.store, this.store);
    restoreLeases(this.lessor, parts.leases, { store: this.store, nowMs });
    this.watchable.resyncAll();
  }
}
