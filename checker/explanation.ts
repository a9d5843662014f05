// Why a history is not linearizable: the longest linearizable prefix of the failing
// partition, the operations that could not be placed after it, and one plain sentence.
import type { Operation } from './history.js';
import type { Model } from './model.js';

export interface StuckOperation {
  operation: Operation;
  description: string;
  /** The model state the operation would have been applied to. */
  stateBefore: string;
  /** False when the model rejects the operation in that state; true when it fits but leads nowhere. */
  stepOk: boolean;
}

export interface Explanation {
  partition: string;
  /** Operation ids of the longest linearizable prefix, in linearization order (the last `prefixShownMax`). */
  prefix: number[];
  prefixLength: number;
  prefixDescriptions: string[];
  stateAfterPrefix: string;
  couldNotPlace: StuckOperation[];
  sentence: string;
  /**
   * True when the partition was proven invalid before the search (a read no order of the
   * writes explains) and the search stopped after a bounded number of steps: the prefix is
   * the longest found, not necessarily the longest there is.
   */
  searchCutShort?: boolean;
}

export const prefixShownMax = 20;
export const stuckShownMax = 10;

function noun(operation: Operation): string {
  return operation.f;
}

export function explain<State>(
  model: Model<State>,
  options: {
    partition: string;
    operations: Operation[];
    prefix: Operation[];
    stateAfterPrefix: State;
    searchCutShort?: boolean;
  },
): Explanation {
  const { operations, prefix, stateAfterPrefix } = options;
  const placed = new Set(prefix.map((operation) => operation.id));
  let firstReturn = Number.POSITIVE_INFINITY;
  for (const operation of operations) {
    if (!placed.has(operation.id) && !operation.crashed)
      firstReturn = Math.min(firstReturn, operation.returnIndex);
  }
  const stuck = operations
    .filter((operation) => !placed.has(operation.id) && operation.callIndex < firstReturn)
    .slice(0, stuckShownMax)
    .map((operation) => ({
      operation,
      description: model.describeOperation(operation),
      stateBefore: model.describeState(stateAfterPrefix),
      stepOk: model.step(stateAfterPrefix, operation).ok,
    }));
  const blocking = operations.find(
    (operation) => !placed.has(operation.id) && operation.returnIndex === firstReturn,
  );
  const shown = prefix.slice(-prefixShownMax);
  return {
    partition: options.partition,
    prefix: shown.map((operation) => operation.id),
    prefixLength: prefix.length,
    prefixDescriptions: shown.map((operation) => model.describeOperation(operation)),
    stateAfterPrefix: model.describeState(stateAfterPrefix),
    couldNotPlace: stuck,
    sentence: sentence(model, { blocking, prefix, stateAfterPrefix, partition: options.partition }),
    ...(options.searchCutShort === true ? { searchCutShort: true } : {}),
  };
}

function sentence<State>(
  model: Model<State>,
  options: {
    blocking: Operation | undefined;
    prefix: Operation[];
    stateAfterPrefix: State;
    partition: string;
  },
): string {
  const { blocking, prefix, stateAfterPrefix } = options;
  const where = options.partition === '' ? '' : ` (partition ${options.partition})`;
  if (blocking === undefined) return `no linearization exists${where}`;
  const last = prefix.at(-1);
  const state = model.describeState(stateAfterPrefix);
  if (last === undefined) {
    return `${model.describeOperation(blocking)}, but the initial state is ${state}${where}`;
  }
  const before =
    last.returnIndex < blocking.callIndex
      ? `, which had completed before the ${noun(blocking)} began`
      : `, which must take effect before it`;
  return `${model.describeOperation(blocking)}, but the state is ${state} after ${model.describeOperation(last)}${before}${where}`;
}
