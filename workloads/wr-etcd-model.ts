// Until an Elle-style rw-register checker exists, a wr history can be checked for
// strict serializability with the linearizability checker's `etcd` model: each txn
// becomes one etcd-model txn with no compares, its micro-ops as gets and puts in
// order, and its ok value the list of values its gets returned.

import type { HistoryEvent } from '../checker/history.js';
import type { MicroOp } from './micro-ops.js';

/** The wr history in the `etcd` model's txn shape (checker/models/etcd.ts). */
export function wrAsEtcdModelHistory(history: readonly HistoryEvent[]): HistoryEvent[] {
  return history.map((event) => {
    if (event.f !== 'txn' || event.process === 'nemesis') return event;
    const ops = event.value as MicroOp[];
    if (event.type === 'invoke') {
      const success = ops.map(([f, key, value]) =>
        f === 'r' ? { f: 'get' as const, key } : { f: 'put' as const, key, value },
      );
      return { ...event, value: { compare: [], success, failure: [] } };
    }
    if (event.type !== 'ok') return event;
    const results = ops.filter(([f]) => f === 'r').map(([, , value]) => value);
    return { ...event, value: { succeeded: true, results } };
  });
}
