// Transactions for Elle-style checking: each `txn` operation carries micro-operations
// `[f, key, value]` — list-append uses `append` and `r` (value: the list read), the
// read/write register uses `w` and `r`. Failed transactions are kept: reading their
// writes is an aborted read (G1a).
import type { History, HistoryEvent } from '../history.js';

export type MicroOp = [f: string, key: unknown, value: unknown];

export interface Transaction {
  id: number;
  process: number;
  type: 'ok' | 'info' | 'fail';
  /** The completion's micro-operations for ok (reads filled in), else the invoke's. */
  ops: MicroOp[];
  invokeIndex: number;
  completeIndex: number;
}

function opsOf(event: HistoryEvent): MicroOp[] {
  return Array.isArray(event.value) ? (event.value as MicroOp[]) : [];
}

export function transactionsOf(history: History): Transaction[] {
  const open = new Map<number, HistoryEvent>();
  const transactions: Transaction[] = [];
  const close = (invoke: HistoryEvent, completion: HistoryEvent | undefined): void => {
    const type = completion === undefined ? 'info' : (completion.type as 'ok' | 'info' | 'fail');
    transactions.push({
      id: transactions.length,
      process: invoke.process as number,
      type,
      ops: type === 'ok' && completion !== undefined ? opsOf(completion) : opsOf(invoke),
      invokeIndex: invoke.index,
      completeIndex: type === 'info' ? Number.POSITIVE_INFINITY : completion!.index,
    });
  };
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.type === 'invoke') {
      open.set(event.process, event);
      continue;
    }
    const invoke = open.get(event.process);
    if (invoke === undefined) continue;
    open.delete(event.process);
    close(invoke, event);
  }
  for (const invoke of open.values()) close(invoke, undefined);
  return transactions;
}

export function keyOf(key: unknown): string {
  return JSON.stringify(key);
}
