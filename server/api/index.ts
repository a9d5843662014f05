// The public surface of etcd-ts's client API layer: the domain request/response types,
// the error catalogue, the service interface a node implements, etcd's request checks
// (for the in-process client) and the gRPC server.

export { type RequestCheckOptions, withRequestChecks } from './checked-service.js';
export * from './errors.js';
export { type EtcdGrpcServer, type GrpcServerOptions, startEtcdGrpcServer } from './grpc-server.js';
export { findProtoDirectory, loadEtcdProtos } from './proto-files.js';
export * from './request-validation.js';
export type * from './service.js';
export { frameSnapshot, unframeSnapshot } from './snapshot-framing.js';
export type * from './types.js';
