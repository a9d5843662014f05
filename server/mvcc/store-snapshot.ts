// The store as snapshot bytes and back. The encoding is a protobuf message of this
// project: StoreSnapshot{format=1, current_revision=2, compacted_revision=3, repeated
// Change changes=4}, Change{main=1, sub=2, type=3 (0 PUT, 1 DELETE), kv=4}, with kv an
// mvccpb.KeyValue{key=1, create_revision=2, mod_revision=3, version=4, value=5, lease=6}.
// Changes are written in revision order, so one store always gives the same bytes.

import type { KeyValue } from '../api/types.js';
import {
  CodecError,
  decodeWith,
  newWriter,
  type Reader,
  readBytes,
  readFields,
  readUint,
  type Writer,
  writeBytes,
  writeMessage,
  writeUint,
} from '../codec/index.js';
import { KeyIndex } from './key-index.js';
import { KvStore, type StoredChange } from './kv-store.js';
import type { Revision } from './revision.js';

const formatVersion = 1;

export function encodeKeyValue(writer: Writer, kv: KeyValue): void {
  writeBytes(writer, 1, kv.key);
  writeUint(writer, 2, kv.createRevision);
  writeUint(writer, 3, kv.modRevision);
  writeUint(writer, 4, kv.version);
  writeBytes(writer, 5, kv.value);
  writeUint(writer, 6, kv.lease);
}

export function decodeKeyValue(reader: Reader, length: number): KeyValue {
  let kv: KeyValue = {
    key: new Uint8Array(0),
    createRevision: 0,
    modRevision: 0,
    version: 0,
    value: new Uint8Array(0),
    lease: 0,
  };
  readFields(reader, length, (field) => {
    if (field === 1) kv = { ...kv, key: readBytes(reader) };
    else if (field === 2) kv = { ...kv, createRevision: readUint(reader, 'kv.create_revision') };
    else if (field === 3) kv = { ...kv, modRevision: readUint(reader, 'kv.mod_revision') };
    else if (field === 4) kv = { ...kv, version: readUint(reader, 'kv.version') };
    else if (field === 5) kv = { ...kv, value: readBytes(reader) };
    else if (field === 6) kv = { ...kv, lease: readUint(reader, 'kv.lease') };
    else return false;
    return true;
  });
  return kv;
}

export function encodeStore(store: KvStore): Uint8Array {
  const writer = newWriter();
  writeUint(writer, 1, formatVersion);
  writeUint(writer, 2, store.currentRevision);
  writeUint(writer, 3, store.compactedRevision);
  const mains = [...store.changes.keys()].sort((left, right) => left - right);
  for (const main of mains) {
    const changes = store.changes.get(main)!;
    changes.forEach((change, sub) => {
      if (change === undefined) return;
      writeMessage(writer, 4, (inner) => {
        writeUint(inner, 1, main);
        writeUint(inner, 2, sub);
        writeUint(inner, 3, change.type === 'PUT' ? 0 : 1);
        writeMessage(inner, 4, (kvWriter) => encodeKeyValue(kvWriter, change.kv));
      });
    });
  }
  return writer.finish();
}

/**
 * Rebuilds a store from `encodeStore` bytes, into `into` (reset first) when given;
 * throws CodecError for bytes it cannot use.
 */
export function decodeStore(bytes: Uint8Array, into?: KvStore): KvStore {
  return decodeWith(bytes, 'store snapshot', (reader) => {
    const store = into ?? new KvStore();
    store.reset();
    let format = 0;
    let current = 1;
    let compacted = 0;
    const restored: { revision: Revision; change: StoredChange }[] = [];
    readFields(reader, undefined, (field) => {
      if (field === 1) format = readUint(reader, 'format');
      else if (field === 2) current = readUint(reader, 'current_revision');
      else if (field === 3) compacted = readUint(reader, 'compacted_revision');
      else if (field === 4) restored.push(decodeChange(reader, reader.uint32()));
      else return false;
      return true;
    });
    if (format !== formatVersion) throw new CodecError(`unknown store snapshot format ${format}`);
    if (compacted > current) throw new CodecError(`compacted revision ${compacted} above current ${current}`);
    for (const { revision, change } of restored) {
      if (revision.main > current)
        throw new CodecError(`change at ${revision.main} above current ${current}`);
      replay(store, revision, change);
    }
    store.setRevisions(current, compacted);
    return store;
  });
}

function decodeChange(reader: Reader, length: number): { revision: Revision; change: StoredChange } {
  let main = 0;
  let sub = 0;
  let type = 0;
  let kv: KeyValue | undefined;
  readFields(reader, length, (field) => {
    if (field === 1) main = readUint(reader, 'change.main');
    else if (field === 2) sub = readUint(reader, 'change.sub');
    else if (field === 3) type = readUint(reader, 'change.type');
    else if (field === 4) kv = decodeKeyValue(reader, reader.uint32());
    else return false;
    return true;
  });
  if (kv === undefined || main === 0 || type > 1)
    throw new CodecError('change lacks main revision, kv or type');
  return { revision: { main, sub }, change: { type: type === 0 ? 'PUT' : 'DELETE', kv } };
}

function replay(store: KvStore, revision: Revision, change: StoredChange): void {
  let keyIndex = store.index.get(change.kv.key);
  if (keyIndex === undefined) {
    keyIndex = new KeyIndex();
    store.index.set(change.kv.key, keyIndex);
  }
  const latest = keyIndex.latest();
  if (
    latest !== undefined &&
    (latest.main > revision.main || (latest.main === revision.main && latest.sub >= revision.sub))
  ) {
    throw new CodecError('changes are not in revision order');
  }
  if ((store.changes.get(revision.main)?.length ?? 0) > revision.sub) {
    throw new CodecError(`revision ${revision.main}.${revision.sub} appears twice or out of order`);
  }
  if (change.type === 'PUT') {
    keyIndex.put(revision, {
      created: { main: change.kv.createRevision, sub: 0 },
      version: change.kv.version,
    });
  } else {
    if (keyIndex.isEmpty()) throw new CodecError('tombstone of a key that is not live');
    keyIndex.tombstone(revision);
  }
  store.record(revision, change);
}
