// The workload registry: adding a workload is one file and one line here.

import { appendWorkload } from './append.js';
import { fencingWorkload } from './fencing.js';
import { kubernetesWorkload } from './kubernetes.js';
import { leaseWorkload } from './lease.js';
import { lockWorkload } from './lock.js';
import { registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import { watchWorkload } from './watch.js';
import type { WorkloadFactory } from './workload.js';
import { wrWorkload } from './wr.js';

/**
 * The long-section lock workloads' shape, chosen so a fault on a holder's node finds the lease-lock
 * race reliably: a 2 s lease (etcd's floor is 1.5 x the election timeout) is lost within
 * one 5 s nemesis interval, and an 8 s critical section outlasts the loss plus the
 * rival's takeover; three locks contended by worker pairs on different nodes put a
 * holder on every node.
 */
export const lockShape = { leaseTtlSeconds: 2, holdMs: 8000, lockCount: 3 } as const;

export const workloads: ReadonlyMap<string, WorkloadFactory> = new Map<string, WorkloadFactory>([
  ['register', registerWorkload],
  ['set', setWorkload],
  ['append', appendWorkload],
  ['wr', wrWorkload],
  // Instant critical sections: a lock that grants two holders at once.
  ['lock', (options) => lockWorkload({ ...options, recipe: 'v3lock' })],
  ['lock-txn', (options) => lockWorkload({ ...options, recipe: 'lease-txn' })],
  // Long critical sections: the lease-lock race (Jepsen 2020), and the fenced pattern that survives it.
  ['lock-hold', (options) => lockWorkload({ ...options, ...lockShape, recipe: 'v3lock' })],
  ['lock-fencing', (options) => fencingWorkload({ ...options, ...lockShape })],
  ['watch', watchWorkload],
  ['lease', leaseWorkload],
  ['kubernetes', kubernetesWorkload],
]);
