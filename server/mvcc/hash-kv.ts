// HashKV, as etcd computes it: a CRC-32C over the name of the key bucket and then, in
// revision order, each stored revision's key (8-byte big-endian main, '_', 8-byte sub,
// and 't' for a tombstone) followed by its marshalled mvccpb.KeyValue (a tombstone's holds
// only the key). Only revisions up to the asked one count. Of those at or below the
// compact revision (what compaction left: each key's newest revision then), only the ones
// a compaction at the hashed revision would still keep count — as etcd 3.4's HashByRev
// does, unless no key would keep any — so a put after the compaction replaces its key's
// compacted revision in the hash. Replicas with the same history therefore hash alike,
// and the encoding follows etcd's backend so the value is comparable with etcd's own.

import { crc32c } from '@node-rs/crc32';
import { EtcdError } from '../api/errors.js';
import { newWriter, writeBytes } from '../codec/index.js';
import type { KvStore } from './kv-store.js';
import { encodeKeyValue } from './store-snapshot.js';

const keyBucketName = new TextEncoder().encode('key');

export interface HashKvResult {
  /** Unsigned 32-bit CRC-32C. */
  readonly hash: number;
  readonly compactRevision: number;
  /** The revision hashed up to. */
  readonly revision: number;
}

export function hashKv(store: KvStore, revision = 0): HashKvResult {
  const upTo = revision > 0 ? revision : store.currentRevision;
  if (revision > 0 && revision <= store.compactedRevision) throw EtcdError.of('compacted');
  if (upTo > store.currentRevision) throw EtcdError.of('futureRevision');
  const compacted = store.compactedRevision;
  const kept = keptRevisions(store, upTo);
  let hash = crc32c(keyBucketName);
  const mains = [...store.changes.keys()].filter((main) => main <= upTo).sort((left, right) => left - right);
  for (const main of mains) {
    store.changes.get(main)!.forEach((change, sub) => {
      if (change === undefined) return;
      if (main <= compacted && kept.size > 0 && !kept.has(`${main}.${sub}`)) return;
      const tombstone = change.type === 'DELETE';
      hash = crc32c(revisionBytes(main, sub, tombstone), hash);
      const writer = newWriter();
      if (tombstone) writeBytes(writer, 1, change.kv.key);
      else encodeKeyValue(writer, change.kv);
      hash = crc32c(writer.finish(), hash);
    });
  }
  return { hash: hash >>> 0, compactRevision: store.compactedRevision, revision: upTo };
}

/** "main.sub" of every revision a compaction at `atMain` would keep (etcd's index Keep). */
function keptRevisions(store: KvStore, atMain: number): Set<string> {
  const kept = new Set<string>();
  for (const [, keyIndex] of store.index.entriesFrom()) {
    const revision = keyIndex.keptAt(atMain);
    if (revision !== undefined) kept.add(`${revision.main}.${revision.sub}`);
  }
  return kept;
}

function revisionBytes(main: number, sub: number, tombstone: boolean): Uint8Array {
  const bytes = new Uint8Array(tombstone ? 18 : 17);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(main));
  bytes[8] = 0x5f; // '_'
  view.setBigUint64(9, BigInt(sub));
  if (tombstone) bytes[17] = 0x74; // 't'
  return bytes;
}
