// etcd's client-visible error catalogue and the typed error that carries one entry.
// Clients (etcdctl, clientv3, the npm etcd3 client, our own workload clients) recognise
// errors by gRPC status code and exact message text, so each entry is etcd's pair from
// its v3rpc/rpctypes list, verbatim. Everything below `server/api` throws `EtcdError`;
// the gRPC layer turns it into a status, the in-process client hands it on as is.
//
// The codes are plain numbers (gRPC's wire values) so that the MVCC store, the lease
// manager and the simulator can raise these errors without depending on @grpc/grpc-js.

/** gRPC status codes, with their wire values. */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

export interface EtcdErrorEntry {
  readonly code: GrpcCode;
  /** The exact status message etcd sends. */
  readonly message: string;
}

function entry(code: GrpcCode, message: string): EtcdErrorEntry {
  return { code, message };
}

const { INVALID_ARGUMENT, OUT_OF_RANGE, RESOURCE_EXHAUSTED, NOT_FOUND, FAILED_PRECONDITION } = GrpcCode;
const { UNAVAILABLE, DATA_LOSS, PERMISSION_DENIED, UNAUTHENTICATED, CANCELLED } = GrpcCode;

/** The catalogue: one entry per error etcd's server can return to a client. */
export const etcdErrors = {
  // Request validation.
  emptyKey: entry(INVALID_ARGUMENT, 'etcdserver: key is not provided'),
  keyNotFound: entry(INVALID_ARGUMENT, 'etcdserver: key not found'),
  valueProvided: entry(INVALID_ARGUMENT, 'etcdserver: value is provided'),
  leaseProvided: entry(INVALID_ARGUMENT, 'etcdserver: lease is provided'),
  tooManyOps: entry(INVALID_ARGUMENT, 'etcdserver: too many operations in txn request'),
  duplicateKey: entry(INVALID_ARGUMENT, 'etcdserver: duplicate key given in txn request'),
  requestTooLarge: entry(INVALID_ARGUMENT, 'etcdserver: request is too large'),
  tooManyRequests: entry(RESOURCE_EXHAUSTED, 'etcdserver: too many requests'),

  // MVCC.
  compacted: entry(OUT_OF_RANGE, 'etcdserver: mvcc: required revision has been compacted'),
  futureRevision: entry(OUT_OF_RANGE, 'etcdserver: mvcc: required revision is a future revision'),
  noSpace: entry(RESOURCE_EXHAUSTED, 'etcdserver: mvcc: database space exceeded'),

  // Leases.
  leaseNotFound: entry(NOT_FOUND, 'etcdserver: requested lease not found'),
  leaseExists: entry(FAILED_PRECONDITION, 'etcdserver: lease already exists'),
  leaseTtlTooLarge: entry(OUT_OF_RANGE, 'etcdserver: too large lease TTL'),

  // Watch.
  watchCanceled: entry(CANCELLED, 'etcdserver: watch canceled'),

  // Membership.
  memberExists: entry(FAILED_PRECONDITION, 'etcdserver: member ID already exist'),
  peerUrlExists: entry(FAILED_PRECONDITION, 'etcdserver: Peer URLs already exists'),
  memberNotEnoughStarted: entry(
    FAILED_PRECONDITION,
    'etcdserver: re-configuration failed due to not enough started members',
  ),
  memberBadUrls: entry(INVALID_ARGUMENT, 'etcdserver: given member URLs are invalid'),
  memberNotFound: entry(NOT_FOUND, 'etcdserver: member not found'),
  memberNotLearner: entry(FAILED_PRECONDITION, 'etcdserver: can only promote a learner member'),
  learnerNotReady: entry(
    FAILED_PRECONDITION,
    'etcdserver: can only promote a learner member which is in sync with leader',
  ),
  tooManyLearners: entry(FAILED_PRECONDITION, 'etcdserver: too many learner members in cluster'),

  // Auth (the Auth service is declared; these are what its methods would return).
  rootUserNotExist: entry(FAILED_PRECONDITION, 'etcdserver: root user does not exist'),
  rootRoleNotExist: entry(FAILED_PRECONDITION, 'etcdserver: root user does not have root role'),
  userAlreadyExist: entry(FAILED_PRECONDITION, 'etcdserver: user name already exists'),
  userEmpty: entry(INVALID_ARGUMENT, 'etcdserver: user name is empty'),
  userNotFound: entry(FAILED_PRECONDITION, 'etcdserver: user name not found'),
  roleAlreadyExist: entry(FAILED_PRECONDITION, 'etcdserver: role name already exists'),
  roleNotFound: entry(FAILED_PRECONDITION, 'etcdserver: role name not found'),
  authFailed: entry(INVALID_ARGUMENT, 'etcdserver: authentication failed, invalid user ID or password'),
  permissionDenied: entry(PERMISSION_DENIED, 'etcdserver: permission denied'),
  roleNotGranted: entry(FAILED_PRECONDITION, 'etcdserver: role is not granted to the user'),
  permissionNotGranted: entry(FAILED_PRECONDITION, 'etcdserver: permission is not granted to the role'),
  authNotEnabled: entry(FAILED_PRECONDITION, 'etcdserver: authentication is not enabled'),
  invalidAuthToken: entry(UNAUTHENTICATED, 'etcdserver: invalid auth token'),
  invalidAuthManagement: entry(INVALID_ARGUMENT, 'etcdserver: invalid auth management'),

  // Cluster state.
  noLeader: entry(UNAVAILABLE, 'etcdserver: no leader'),
  notLeader: entry(FAILED_PRECONDITION, 'etcdserver: not leader'),
  leaderChanged: entry(UNAVAILABLE, 'etcdserver: leader changed'),
  notCapable: entry(UNAVAILABLE, 'etcdserver: not capable'),
  stopped: entry(UNAVAILABLE, 'etcdserver: server stopped'),
  timeout: entry(UNAVAILABLE, 'etcdserver: request timed out'),
  timeoutDueToLeaderFail: entry(
    UNAVAILABLE,
    'etcdserver: request timed out, possibly due to previous leader failure',
  ),
  timeoutDueToConnectionLost: entry(
    UNAVAILABLE,
    'etcdserver: request timed out, possibly due to connection lost',
  ),
  unhealthy: entry(UNAVAILABLE, 'etcdserver: unhealthy cluster'),
  corrupt: entry(DATA_LOSS, 'etcdserver: corrupt cluster'),
  notSupportedForLearner: entry(UNAVAILABLE, 'etcdserver: rpc not supported for learner'),
  badLeaderTransferee: entry(FAILED_PRECONDITION, 'etcdserver: bad leader transferee'),
} as const satisfies Record<string, EtcdErrorEntry>;

export type EtcdErrorName = keyof typeof etcdErrors;

/**
 * What a failed request reports. `name` is a catalogue name for etcd's own errors, or
 * 'invalidRequest' / 'unimplemented' for the few rejections etcd-ts words itself (a
 * malformed wire message, a method it does not serve); those have no etcd text to match.
 */
export type EtcdErrorKind = EtcdErrorName | 'invalidRequest' | 'unimplemented';

export class EtcdError extends Error {
  override name = 'EtcdError';
  readonly code: GrpcCode;

  private constructor(
    readonly kind: EtcdErrorKind,
    entry: EtcdErrorEntry,
  ) {
    super(entry.message);
    this.code = entry.code;
  }

  /** The catalogue error `name`, with etcd's code and exact message. */
  static of(name: EtcdErrorName): EtcdError {
    return new EtcdError(name, etcdErrors[name]);
  }

  /** A request etcd-ts cannot decode or that breaks a wire rule; `detail` names the field. */
  static invalidRequest(detail: string): EtcdError {
    return new EtcdError('invalidRequest', entry(INVALID_ARGUMENT, `etcd-ts: invalid request: ${detail}`));
  }

  /** A method that is declared in the protocol but not served by etcd-ts. */
  static unimplemented(method: string): EtcdError {
    return new EtcdError(
      'unimplemented',
      entry(GrpcCode.UNIMPLEMENTED, `etcd-ts: ${method} is not implemented`),
    );
  }

  /** True when this is the catalogue error `name`. */
  is(name: EtcdErrorName): boolean {
    return this.kind === name;
  }
}

const namesByMessage = new Map<string, EtcdErrorName>(
  (Object.keys(etcdErrors) as EtcdErrorName[]).map((name) => [etcdErrors[name].message, name]),
);

/**
 * The catalogue error whose message is `message`, or undefined. Clients of etcd-ts and
 * real etcd use it to classify a gRPC status they received.
 */
export function etcdErrorFromMessage(message: string): EtcdError | undefined {
  const name = namesByMessage.get(message);
  return name === undefined ? undefined : EtcdError.of(name);
}
