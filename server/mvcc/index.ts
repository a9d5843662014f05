// The public surface of etcd-ts's MVCC package: the store, its write transactions, the
// watchers over it, the snapshot codec and the key-range helpers.

export { CodecError } from '../codec/index.js';
export { type HashKvResult, hashKv } from './hash-kv.js';
export { bytesEqual, compareBytes, type KeyRange, keyRange, prefixEnd, rangeContains } from './key-range.js';
export {
  KvStore,
  type LeaseAttachments,
  type PutResult,
  type RangeOptions,
  type RangeResult,
  type StoredChange,
  WriteTxn,
} from './kv-store.js';
export type { Revision } from './revision.js';
export { decodeStore, encodeStore } from './store-snapshot.js';
export {
  WatchableStore,
  type WatchableStoreOptions,
  type WatchDelivery,
  type Watcher,
  type WatchOptions,
  type WatchSink,
} from './watchable-store.js';
