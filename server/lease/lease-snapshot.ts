// The lessor's replicated state as snapshot bytes: LeaseSnapshot{repeated Lease leases=1},
// Lease{id=1, ttl_seconds=2}, in id order. Expiries are not replicated state (only the
// leader keeps them) and attached keys are rebuilt from the store, as etcd does.

import {
  CodecError,
  decodeWith,
  newWriter,
  readFields,
  readUint,
  writeMessage,
  writeUint,
} from '../codec/index.js';
import type { KvStore } from '../mvcc/kv-store.js';
import type { Lessor } from './lessor.js';

export function encodeLeases(lessor: Lessor): Uint8Array {
  const writer = newWriter();
  for (const id of lessor.leaseIds()) {
    writeMessage(writer, 1, (inner) => {
      writeUint(inner, 1, id);
      writeUint(inner, 2, lessor.lookup(id)!.ttlSeconds);
    });
  }
  return writer.finish();
}

/** Replaces the lessor's leases with the snapshot's and re-attaches the store's keys. */
export function restoreLeases(
  lessor: Lessor,
  bytes: Uint8Array,
  options: { store: KvStore; nowMs: number },
): void {
  const leases = decodeWith(bytes, 'lease snapshot', (reader) => {
    const decoded: { id: number; ttlSeconds: number }[] = [];
    readFields(reader, undefined, (field) => {
      if (field !== 1) return false;
      let id = 0;
      let ttlSeconds = 0;
      readFields(reader, reader.uint32(), (inner) => {
        if (inner === 1) id = readUint(reader, 'lease.id');
        else if (inner === 2) ttlSeconds = readUint(reader, 'lease.ttl_seconds');
        else return false;
        return true;
      });
      if (id === 0) throw new CodecError('lease without id');
      decoded.push({ id, ttlSeconds });
      return true;
    });
    return decoded;
  });
  lessor.restore(leases, options.nowMs);
  const everything = new Uint8Array([0]);
  options.store.visit({ type: 'fromKey', key: everything }, options.store.currentRevision, (kv) => {
    if (kv.lease === 0) return;
    if (lessor.lookup(kv.lease) === undefined)
      throw new CodecError(`key attached to unknown lease ${kv.lease}`);
    lessor.attach(kv.lease, kv.key);
  });
}
