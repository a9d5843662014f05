// The server's protobuf layer: the shared read/write helpers and CodecError
// (proto-io.ts), the Raft vocabulary codec the WAL, snapshots and transport share, and
// etcd's enums in number order for the gRPC decoder and the Raft request codec.

export * from './etcd-enums.js';
export * from './proto-io.js';
export * from './raft-codec.js';
