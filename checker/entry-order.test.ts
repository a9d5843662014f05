// The numeric-sort fast path of buildOrder() must order entries exactly as comparing does.
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
