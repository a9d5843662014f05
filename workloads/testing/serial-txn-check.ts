// Test helper for the txn workloads while no Elle-style checker exists: replays ok txns
// in completion order (the order the in-memory store applied them, since it answers
// synchronously) and reports the first read that disagrees with the replayed state.

import type { HistoryEvent } from '../../checker/history.js';
import type { MicroOp } from '../micro-ops.js';

export function firstSerialMismatch(
  history: readonly HistoryEvent[],
  writeF: 'append' | 'w',
): string | undefined {
  const state = new Map<string, unknown>();
  for (const event of history) {
    if (event.type !== 'ok' || event.f !== 'txn') continue;
    for (const [f, key, value] of event.value as MicroOp[]) {
      if (f === writeF) {
        state.set(
          key,
          writeF === 'append' ? [...((state.get(key) as number[] | undefined) ?? []), value] : value,
        );
      } else if (JSON.stringify(state.get(key) ?? null) !== JSON.stringify(value)) {
        return `event ${event.index}: read of ${key} saw ${JSON.stringify(value)}, expected ${JSON.stringify(state.get(key) ?? null)}`;
      }
    }
  }
  return undefined;
}
