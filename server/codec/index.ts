// The server's protobuf layer: the shared read/write helpers and CodecError
// (proto-io.ts) and the Raft vocabulary codec the WAL, snapshots and transport share.

export {
  CodecError,
  decodeWith,
  fieldTag,
  newReader,
  newWriter,
  type Reader,
  readBytes,
  readFields,
  readInt,
  readUint,
  skipField,
  subMessageEnd,
  WIRE_BYTES,
  WIRE_VARINT,
  type Writer,
  writeBool,
  writeBytes,
  writeInt,
  writeMessage,
  writeUint,
} from './proto-io.js';
export {
  decodeEntry,
  decodeHardState,
  decodeSnapshot,
  encodeEntry,
  encodeHardState,
  encodeSnapshot,
  readConfState,
  writeConfState,
  writeEntry,
  writeHardState,
} from './raft-codec.js';
