// The workload registry: adding a workload is one file and one line here.

import { appendWorkload } from './append.js';
import { kubernetesWorkload } from './kubernetes.js';
import { leaseWorkload } from './lease.js';
import { lockWorkload } from './lock.js';
import { registerWorkload } from './register.js';
import { setWorkload } from './set.js';
import { watchWorkload } from './watch.js';
import type { WorkloadFactory } from './workload.js';
import { wrWorkload } from './wr.js';

export const workloads: ReadonlyMap<string, WorkloadFactory> = new Map<string, WorkloadFactory>([
  ['register', registerWorkload],
  ['set', setWorkload],
  ['append', appendWorkload],
  ['wr', wrWorkload],
  ['lock', (options) => lockWorkload({ ...options, recipe: 'v3lock' })],
  ['lock-txn', (options) => lockWorkload({ ...options, recipe: 'lease-txn' })],
  ['watch', watchWorkload],
  ['lease', leaseWorkload],
  ['kubernetes', kubernetesWorkload],
]);
