// Elle's read/write-register analysis, for histories whose writes to a key are unique:
// wr edges from the writer of each value read; the version order comes from the initial
// nil and from transactions that read a key and then write it; ww and rw follow from it.
import type { History } from '../history.js';
import { show } from '../model.js';
import { addRealtimeEdges, DependencyGraph, findCycles } from './graph.js';
import type { ElleResult } from './list-append.js';
import { keyOf, type Transaction, transactionsOf } from './transactions.js';

export function checkRwRegister(history: History): ElleResult {
  const transactions = transactionsOf(history);
  const writer = new Map<string, Transaction>();
  const writesByTxnKey = new Map<string, string[]>();
  const writersOfKey = new Map<string, Transaction[]>();
  for (const txn of transactions) {
    for (const [f, key, value] of txn.ops) {
      if (f !== 'w') continue;
      writer.set(`${keyOf(key)}|${show(value)}`, txn);
      const id = `${txn.id}|${keyOf(key)}`;
      writesByTxnKey.set(id, [...(writesByTxnKey.get(id) ?? []), show(value)]);
      if (txn.type !== 'fail') writersOfKey.set(keyOf(key), [...(writersOfKey.get(keyOf(key)) ?? []), txn]);
    }
  }
  const anomalies: ElleResult['anomalies'] = [];
  const graph = new DependencyGraph();
  for (const txn of transactions) {
    if (txn.type !== 'ok') continue;
    const lastRead = new Map<string, unknown>();
    for (const [f, rawKey, value] of txn.ops) {
      const key = keyOf(rawKey);
      if (f === 'r') {
        lastRead.set(key, value);
        if (value === null || value === undefined) {
          // Reading the initial nil puts the reader before every write of the key.
          for (const other of writersOfKey.get(key) ?? []) {
            graph.add({
              from: txn.id,
              to: other.id,
              kind: 'rw',
              why: `key ${key}: read nil before ${other.id}'s write`,
            });
          }
          continue;
        }
        const source = writer.get(`${key}|${show(value)}`);
        if (source === undefined || source.id === txn.id) continue;
        if (source.type === 'fail') {
          anomalies.push({
            type: 'G1a',
            transaction: txn.id,
            description: `T${txn.id} read ${show(value)} from key ${key}, written by T${source.id}, which failed`,
          });
        } else if ((writesByTxnKey.get(`${source.id}|${key}`) ?? []).at(-1) !== show(value)) {
          anomalies.push({
            type: 'G1b',
            transaction: txn.id,
            description: `T${txn.id} read ${show(value)} from key ${key}, an intermediate write of T${source.id}`,
          });
        }
        graph.add({ from: source.id, to: txn.id, kind: 'wr', why: `key ${key}: read ${show(value)}` });
      } else if (f === 'w' && lastRead.has(key)) {
        // Read-then-write in one transaction: the value read directly precedes this write.
        const previous = lastRead.get(key);
        if (previous === null || previous === undefined) continue;
        const before = writer.get(`${key}|${show(previous)}`);
        if (before !== undefined)
          graph.add({
            from: before.id,
            to: txn.id,
            kind: 'ww',
            why: `key ${key}: ${show(value)} written over ${show(previous)}`,
          });
        for (const other of transactions) {
          if (other.type !== 'ok' || other.id === txn.id) continue;
          if (other.ops.some(([g, k, v]) => g === 'r' && keyOf(k) === key && show(v) === show(previous))) {
            graph.add({
              from: other.id,
              to: txn.id,
              kind: 'rw',
              why: `key ${key}: read ${show(previous)} before ${show(value)}`,
            });
          }
        }
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
