// External mode's rules: the suite runs against endpoints a user gives, so it must never
// touch data it did not write. Every run gets a key prefix of its own, unique across runs
// on the same cluster (start time plus random bytes), printed and stored in test.json;
// the workloads put every key under it. No faults unless the user enables one that
// needs no control of the members (none exists yet: every nemesis needs it).

import { randomBytes } from 'node:crypto';
import { timestampOf } from './store.js';

/** `etcd-chaos/20261124T193000-1a2b3c4d/`: sortable by time, never repeated. */
export function externalKeyPrefixOf(startTime: Date): string {
  return `etcd-chaos/${timestampOf(startTime)}-${randomBytes(4).toString('hex')}/`;
}

/** `a:1, b:2` -> ['a:1', 'b:2']; an `http://` in front is dropped. */
export function parseEndpoints(list: string): string[] {
  return list
    .split(',')
    .map((item) =>
      item
        .trim()
        .replace(/^https?:\/\//, '')
        .replace(/\/$/, ''),
    )
    .filter((item) => item.length > 0);
}
