// The public surface of etcd-ts's lease package: the lessor and its snapshot codec.

export { encodeLeases, restoreLeases } from './lease-snapshot.js';
export {
  expiredLeaseRetryMs,
  type Lease,
  Lessor,
  type LessorOptions,
  leaseRevokesPerSecondMax,
  leaseTtlSecondsMax,
  type TimeToLive,
} from './lessor.js';
