// buildOrder()'s merge and numeric-sort paths must order entries exactly as comparing does.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { buildOrder, buildOrderByComparing } from './entry-order.js';
import type { Operation } from './history.js';

const runs = Number(process.env.CHECKER_PROPERTY_RUNS ?? 200);

/** Operations with distinct integer positions; some crashed (return at Infinity). */
const operationsArbitrary = fc.array(fc.tuple(fc.nat(20), fc.boolean()), { maxLength: 30 }).map((shapes) => {
  let position = 0;
  const operations: Operation[] = shapes.map(([length, crashed], id) => {
    const callIndex = position++;
    return {
      id,
      process: id,
      f: 'write',
      key: undefined,
      input: id,
      output: undefined,
      crashed,
      callIndex,
      returnIndex: crashed ? Number.POSITIVE_INFINITY : callIndex + 1 + length * 1000 + id,
      callTime: callIndex,
      returnTime: 0,
    };
  });
  return operations;
});

test.prop([operationsArbitrary], { seed: 20261124, numRuns: runs })(
  'buildOrder() orders entries as buildOrderByComparing() does',
  (operations) => {
    expect([...buildOrder(operations)]).toEqual([...buildOrderByComparing(operations)]);
  },
);

const shuffledArbitrary = operationsArbitrary.chain((operations) =>
  fc.shuffledSubarray(operations, { minLength: operations.length, maxLength: operations.length }),
);

test.prop([shuffledArbitrary], { seed: 20261125, numRuns: runs })(
  'buildOrder() orders operations out of call order as buildOrderByComparing() does',
  (shuffled) => {
    expect([...buildOrder(shuffled)]).toEqual([...buildOrderByComparing(shuffled)]);
  },
);

test('buildOrder() sorts when returns come far out of call order', () => {
  // Operation i returns after every later one: ordering the returns by insertion would
  // take about n²/2 moves, past the merge's bound.
  const operations: Operation[] = Array.from({ length: 200 }, (_, id) => ({
    id,
    process: id,
    f: 'write',
    key: undefined,
    input: id,
    output: undefined,
    crashed: false,
    callIndex: id,
    returnIndex: 1_000 - id,
    callTime: id,
    returnTime: 0,
  }));
  const order = [...buildOrder(operations)];
  expect(order).toEqual([...buildOrderByComparing(operations)]);
  expect(order.slice(198, 202)).toEqual([2 * 198, 2 * 199, 2 * 199 + 1, 2 * 198 + 1]);
});

test('buildOrder() falls back to comparing for fractional positions', () => {
  const operation: Operation = {
    id: 0,
    process: 0,
    f: 'write',
    key: undefined,
    input: 1,
    output: undefined,
    crashed: false,
    callIndex: 0.5,
    returnIndex: 2.25,
    callTime: 0,
    returnTime: 1,
  };
  expect([...buildOrder([operation, { ...operation, id: 1, callIndex: 1, returnIndex: 1.5 }])]).toEqual([
    0, 2, 3, 1,
  ]);
});
