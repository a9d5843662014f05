// The order of call and return entries along the history, which the linearizability
// search walks: built by merging for a partition as planned (no sort), else by one native
// numeric sort, kept off the comparator path when it can.
import type { Operation } from './history.js';

/**
 * Insertion moves allowed per operation before `buildOrder` gives up merging: returns
 * come nearly in call order (each a few operations after its call), so ordering them
 * takes a few moves each; a history with long operations everywhere takes the sort.
 */
const movesPerOperationMax = 4;

/**
 * Entry ids: 2*i is operation i's call, 2*i+1 its return; `order` lists them by history
 * position (then entry id), crashed returns (position Infinity) last in operation order.
 * Operations in call order (as `pairOperations` and the models' partitions leave them)
 * merge their calls with their returns, ordered by insertion; others take the sort.
 */
export function buildOrder(operations: Operation[]): Int32Array {
  const count = operations.length;
  // Operations with a finite return, by return position (then operation).
  const returning = new Int32Array(count);
  const returnAt = new Float64Array(count);
  let returningCount = 0;
  let moves = 0;
  const movesMax = movesPerOperationMax * count + 64;
  let lastCall = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const operation = operations[i]!;
    // Out of call order, or positions no file has (NaN, an infinite call): sort.
    if (!(operation.callIndex > lastCall) || operation.callIndex === Number.POSITIVE_INFINITY)
      return buildOrderBySorting(operations);
    lastCall = operation.callIndex;
    const position = operation.returnIndex;
    if (position === Number.POSITIVE_INFINITY) continue;
    if (Number.isNaN(position)) return buildOrderBySorting(operations);
    let at = returningCount++;
    while (at > 0 && returnAt[at - 1]! > position) {
      returning[at] = returning[at - 1]!;
      returnAt[at] = returnAt[at - 1]!;
      at--;
    }
    moves += returningCount - 1 - at;
    if (moves > movesMax) return buildOrderBySorting(operations);
    returning[at] = i;
    returnAt[at] = position;
  }
  const order = new Int32Array(2 * count);
  let filled = 0;
  let call = 0;
  for (let next = 0; next < returningCount; next++) {
    const returned = returning[next]!;
    const position = returnAt[next]!;
    // Calls before this return; on equal positions the lower entry id first.
    while (
      call < count &&
      (operations[call]!.callIndex < position ||
        (operations[call]!.callIndex === position && call <= returned))
    )
      order[filled++] = 2 * call++;
    order[filled++] = 2 * returned + 1;
  }
  while (call < count) order[filled++] = 2 * call++;
  for (let i = 0; i < count; i++)
    if (operations[i]!.returnIndex === Number.POSITIVE_INFINITY) order[filled++] = 2 * i + 1;
  return order;
}

/** `buildOrder` by one native sort of (position, entry) as single numbers, when they fit. */
function buildOrderBySorting(operations: Operation[]): Int32Array {
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
  // operation order.
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
  // Crashed returns (position Infinity) keep operation order.
  entries.sort((a, b) => a.position - b.position || a.entry - b.entry);
  return Int32Array.from(entries, (item) => item.entry);
}
