// Each known client error mapped once to a definite failure (`fail`: the request
// certainly changed nothing) or an indeterminate one (`info`: it may have taken effect,
// now or later). Getting this wrong in the `fail` direction makes the checker report
// bugs that are not there, so when etcd can raise an error both before and after a
// proposal, it is `info`. Reads (idempotent requests) change nothing, so any error on
// them is `fail`, as Jepsen's etcd client does with its idempotent set.
//
// Sources: etcd's v3rpc/rpctypes error list and where etcdserver raises each error
// (validation in the API layer before proposing; apply-time rejections that commit a
// no-op; waits that end while a proposal is in flight), and jepsen.etcd.client's
// `remap-errors` (UNAVAILABLE indeterminate, NOT_FOUND / duplicate key / compacted /
// too many requests / unhealthy cluster definite, leader changed indeterminate).

import { EtcdError, type EtcdErrorKind } from '../server/api/errors.js';
import { ClientError, type ClientErrorReason } from './client.js';

export type Definiteness = 'fail' | 'info';

interface Mapping {
  readonly type: Definiteness;
  readonly reason: string;
}

const validation = 'rejected by request validation before any proposal';
const applyNoop = 'rejected when applied: the entry commits but changes nothing';
const inFlight = 'raised while the proposal may still be in the log; it can commit later';

/** etcd's catalogued errors (and etcd-ts's two own rejections), one line each. */
export const etcdErrorOutcomes: Readonly<Record<EtcdErrorKind, Mapping>> = {
  emptyKey: { type: 'fail', reason: validation },
  keyNotFound: { type: 'fail', reason: validation },
  valueProvided: { type: 'fail', reason: validation },
  leaseProvided: { type: 'fail', reason: validation },
  tooManyOps: { type: 'fail', reason: validation },
  duplicateKey: { type: 'fail', reason: `${validation} (Jepsen: definite)` },
  requestTooLarge: { type: 'fail', reason: validation },
  invalidRequest: { type: 'fail', reason: validation },
  unimplemented: { type: 'fail', reason: 'the server does not serve the method at all' },
  tooManyRequests: {
    type: 'fail',
    reason: 'the server refuses before proposing when applied index lags committed (Jepsen: definite)',
  },
  compacted: {
    type: 'fail',
    reason: 'a read or watch at a compacted revision; nothing is written (Jepsen: definite)',
  },
  futureRevision: {
    type: 'fail',
    reason: 'a read at a revision the store has not reached; nothing is written',
  },
  noSpace: { type: 'fail', reason: `the NOSPACE alarm: ${applyNoop}` },
  leaseNotFound: {
    type: 'fail',
    reason: `a put or revoke naming a missing lease: ${applyNoop} (Jepsen: NOT_FOUND definite)`,
  },
  leaseExists: { type: 'fail', reason: `a grant with a taken id: ${applyNoop}` },
  leaseTtlTooLarge: { type: 'fail', reason: validation },
  watchCanceled: { type: 'fail', reason: 'a watch ended by the server; watches write nothing' },
  memberExists: { type: 'fail', reason: 'membership checked before the conf change is proposed' },
  peerUrlExists: { type: 'fail', reason: 'membership checked before the conf change is proposed' },
  memberNotEnoughStarted: { type: 'fail', reason: 'checked before the conf change is proposed' },
  memberBadUrls: { type: 'fail', reason: validation },
  memberNotFound: { type: 'fail', reason: 'membership checked before the conf change is proposed' },
  memberNotLearner: { type: 'fail', reason: 'checked before the conf change is proposed' },
  learnerNotReady: { type: 'fail', reason: 'checked before the conf change is proposed' },
  tooManyLearners: { type: 'fail', reason: 'checked before the conf change is proposed' },
  rootUserNotExist: { type: 'fail', reason: `auth: ${applyNoop}` },
  rootRoleNotExist: { type: 'fail', reason: `auth: ${applyNoop}` },
  userAlreadyExist: { type: 'fail', reason: `auth: ${applyNoop}` },
  userEmpty: { type: 'fail', reason: validation },
  userNotFound: { type: 'fail', reason: `auth: ${applyNoop}` },
  roleAlreadyExist: { type: 'fail', reason: `auth: ${applyNoop}` },
  roleNotFound: { type: 'fail', reason: `auth: ${applyNoop}` },
  authFailed: { type: 'fail', reason: 'authentication fails before any request is proposed' },
  permissionDenied: { type: 'fail', reason: `permissions are checked again at apply: ${applyNoop}` },
  roleNotGranted: { type: 'fail', reason: `auth: ${applyNoop}` },
  permissionNotGranted: { type: 'fail', reason: `auth: ${applyNoop}` },
  authNotEnabled: { type: 'fail', reason: `auth: ${applyNoop}` },
  invalidAuthToken: { type: 'fail', reason: 'the token is checked before proposing' },
  invalidAuthManagement: { type: 'fail', reason: validation },
  noLeader: {
    type: 'info',
    reason:
      'UNAVAILABLE: raised before proposing by the require-leader check, but a follower that forwarded a proposal and then lost its leader cannot tell; Jepsen treats UNAVAILABLE as indeterminate',
  },
  notLeader: { type: 'fail', reason: 'leader-only maintenance calls are refused by followers before acting' },
  leaderChanged: { type: 'info', reason: `${inFlight} under the new leader (Jepsen: indeterminate)` },
  notCapable: { type: 'fail', reason: 'the cluster version check happens before proposing' },
  stopped: { type: 'info', reason: `the server stopped while waiting: ${inFlight}` },
  timeout: { type: 'info', reason: `the server stopped waiting for apply: ${inFlight}` },
  timeoutDueToLeaderFail: { type: 'info', reason: inFlight },
  timeoutDueToConnectionLost: { type: 'info', reason: inFlight },
  unhealthy: { type: 'fail', reason: 'membership health check before proposing (Jepsen: definite)' },
  corrupt: { type: 'fail', reason: `the CORRUPT alarm: ${applyNoop}` },
  notSupportedForLearner: { type: 'fail', reason: 'a learner refuses the call before forwarding it' },
  badLeaderTransferee: { type: 'fail', reason: 'checked before the leader transfer starts' },
};

/** The client's own reasons for giving up. */
export const clientErrorOutcomes: Readonly<Record<ClientErrorReason, Mapping>> = {
  timeout: { type: 'info', reason: 'no answer: the request may have committed, or may still commit' },
  'connection-lost': {
    type: 'info',
    reason: 'the request was sent; the answer was lost with the connection',
  },
  'connect-failed': { type: 'fail', reason: 'no connection was made, so the request never left the client' },
  closed: { type: 'fail', reason: 'the client was closed before the request left it' },
  status: {
    type: 'info',
    reason:
      'a status etcd does not catalogue (e.g. UNAVAILABLE from a proxy): nothing says it did not happen',
  },
};

export interface ErrorOutcome {
  readonly type: Definiteness;
  /** A short machine-readable name: the etcd error kind or the client reason. */
  readonly error: string;
  readonly reason: string;
}

/**
 * Classifies a request's error. `idempotent` requests (reads) are `fail` whatever the
 * error; anything not recognised is `info`, the safe answer.
 */
export function classifyError(error: unknown, options: { readonly idempotent: boolean }): ErrorOutcome {
  let outcome: ErrorOutcome;
  if (error instanceof EtcdError) {
    outcome = { error: error.kind, ...etcdErrorOutcomes[error.kind] };
  } else if (error instanceof ClientError) {
    outcome = { error: error.reason, ...clientErrorOutcomes[error.reason] };
  } else {
    const text = error instanceof Error ? error.message : String(error);
    outcome = { type: 'info', error: 'unknown', reason: `unrecognised error: ${text}` };
  }
  if (options.idempotent && outcome.type === 'info') {
    return { ...outcome, type: 'fail', reason: `a read changes nothing (${outcome.reason})` };
  }
  return outcome;
}
