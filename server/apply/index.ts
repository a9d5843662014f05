// The public surface of etcd-ts's apply package: the requests carried in Raft entries and
// their codec, the applier, and the state machine that bundles store, leases and watches.

export { Applier, type ApplierOptions, type ApplyContext } from './applier.js';
export type { ApplyOutcome, ApplyRequest, ApplyResponse, RaftRequest } from './apply-request.js';
export { decodeRaftRequest, encodeRaftRequest, txnNestingMax } from './request-codec.js';
export { StateMachine, type StateMachineOptions } from './state-machine.js';
