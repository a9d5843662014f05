// Elle's list-append analysis: every read of a key returns the list of appended elements,
// so the longest read fixes the version order; from it come ww, wr and rw edges, and
// direct anomalies: incompatible orders, aborted reads (G1a), intermediate reads (G1b).

import type { History } from '../history.js';
import { show } from '../model.js';
import { addRealtimeEdges, type CycleAnomaly, DependencyGraph, findCycles } from './graph.js';
import { keyOf, type Transaction, transactionsOf } from './transactions.js';

export interface DirectAnomaly {
  type: 'G1a' | 'G1b' | 'incompatible-order';
  transaction: number;
  description: string;
}

export interface ElleResult {
  valid: boolean;
  anomalies: Array<CycleAnomaly | DirectAnomaly>;
  /** False when there were too many transactions to add real-time edges. */
  realtimeChecked: boolean;
}

function isPrefix(shorter: unknown[], longer: unknown[]): boolean {
  return shorter.every((element, i) => show(element) === show(longer[i]));
}

export function checkListAppend(history: History): ElleResult {
  const transactions = transactionsOf(history);
  const writer = new Map<string, Transaction>();
  const appendsByTxnKey = new Map<string, string[]>();
  for (const txn of transactions) {
    for (const [f, key, value] of txn.ops) {
      if (f !== 'append') continue;
      writer.set(`${keyOf(key)}|${show(value)}`, txn);
      const id = `${txn.id}|${keyOf(key)}`;
      appendsByTxnKey.set(id, [...(appendsByTxnKey.get(id) ?? []), show(value)]);
    }
  }
  const reads: Array<{ txn: Transaction; key: string; list: unknown[] }> = [];
  for (const txn of transactions) {
    if (txn.type !== 'ok') continue;
    for (const [f, key, value] of txn.ops)
      if (f === 'r' && Array.isArray(value)) reads.push({ txn, key: keyOf(key), list: value });
  }
  const anomalies: ElleResult['anomalies'] = [];
  const longest = new Map<string, unknown[]>();
  for (const read of reads) {
    const current = longest.get(read.key) ?? [];
    if (read.list.length > current.length) longest.set(read.key, read.list);
  }
  const graph = new DependencyGraph();
  for (const read of reads) {
    const order = longest.get(read.key)!;
    if (!isPrefix(read.list, order)) {
      anomalies.push({
        type: 'incompatible-order',
        transaction: read.txn.id,
        description: `T${read.txn.id} read key ${read.key} as ${show(read.list)}, not a prefix of ${show(order)}`,
      });
      continue;
    }
    for (const element of read.list) {
      const source = writer.get(`${read.key}|${show(element)}`);
      if (source?.type === 'fail') {
        anomalies.push({
          type: 'G1a',
          transaction: read.txn.id,
          description: `T${read.txn.id} read ${show(element)} from key ${read.key}, appended by T${source.id}, which failed`,
        });
      }
    }
    const last = read.list.at(-1);
    if (last !== undefined) {
      const source = writer.get(`${read.key}|${show(last)}`);
      if (source !== undefined && source.id !== read.txn.id) {
        const appended = appendsByTxnKey.get(`${source.id}|${read.key}`) ?? [];
        if (appended.at(-1) !== show(last)) {
          anomalies.push({
            type: 'G1b',
            transaction: read.txn.id,
            description: `T${read.txn.id} read key ${read.key} ending at ${show(last)}, an intermediate state of T${source.id}`,
          });
        }
        graph.add({
          from: source.id,
          to: read.txn.id,
          kind: 'wr',
          why: `key ${read.key}: read ${show(last)}`,
        });
      }
    }
    const following = order[read.list.length];
    if (following !== undefined) {
      const next = writer.get(`${read.key}|${show(following)}`);
      if (next !== undefined) {
        graph.add({
          from: read.txn.id,
          to: next.id,
          kind: 'rw',
          why: `key ${read.key}: read before ${show(following)} was appended`,
        });
      }
    }
  }
  for (const [key, order] of longest) {
    for (let i = 1; i < order.length; i++) {
      const before = writer.get(`${key}|${show(order[i - 1])}`);
      const after = writer.get(`${key}|${show(order[i])}`);
      if (before !== undefined && after !== undefined) {
        graph.add({
          from: before.id,
          to: after.id,
          kind: 'ww',
          why: `key ${key}: ${show(order[i])} appended after ${show(order[i - 1])}`,
        });
      }
    }
  }
  const realtimeChecked = addRealtimeEdges(
    graph,
    transactions.filter((txn) => txn.type !== 'fail'),
  );
  anomalies.push(...findCycles(graph));
  return { valid: anomalies.length === 0, anomalies, realtimeChecked };
}
