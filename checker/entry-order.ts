// The order of call and return entries along the history, which the linearizability
// search walks: the one sort each partition needs, kept off the comparator path when it can.
import type { Operation } from './history.js';

/** Entry ids: 2*i is operation i's call, 2*i+1 its return; `order` lists them by history position. */
export function buildOrder(operations: Operation[]): Int32Array {
  const entryCount = 2 * operations.length;
  const fitsOneNumber = (position: number): boolean =>
    Number.isInteger(position) &&
    position >= 0 &&
    position * entryCount + entryCount <= Number.MAX_SAFE_INTEGER;
  for (const operation of operations) {
    const finiteReturn = operation.returnIndex === Number.POSITIVE_INFINITY ? 0 : operation.returnIndex;
    if (!fitsOneNumber(operation.callIndex) || !fitsOneNumber(finiteReturn))
      return buildOrderByComparing(operations);
  }
  // Finite positions sort as one number each (position, then entry) with the native
  // numeric sort; no comparator calls. Crashed returns (position Infinity) follow in
  // operation order; equal finite positions cannot occur.
  const finite = new Float64Array(entryCount);
  const crashedReturns: number[] = [];
  let finiteCount = 0;
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]!;
    finite[finiteCount++] = operation.callIndex * entryCount + 2 * i;
    if (operation.returnIndex === Number.POSITIVE_INFINITY) crashedReturns.push(2 * i + 1);
    else finite[finiteCount++] = operation.returnIndex * entryCount + 2 * i + 1;
  }
  const sorted = finite.subarray(0, finiteCount).sort();
  const order = new Int32Array(entryCount);
  for (let at = 0; at < finiteCount; at++) order[at] = sorted[at]! % entryCount;
  for (const [at, entry] of crashedReturns.entries()) order[finiteCount + at] = entry;
  return order;
}

/** The general case (positions from files may be any finite numbers). */
export function buildOrderByComparing(operations: Operation[]): Int32Array {
  const entries: Array<{ entry: number; position: number }> = [];
  operations.forEach((operation, i) => {
    entries.push({ entry: 2 * i, position: operation.callIndex });
    entries.push({ entry: 2 * i + 1, position: operation.returnIndex });
  });
  // Crashed returns (position Infinity) keep operation order; equal finite positions cannot occur.
  entries.sort((a, b) => a.position - b.position || a.entry - b.entry);
  return Int32Array.from(entries, (item) => item.entry);
}
