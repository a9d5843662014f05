// buildOrder()'s merge and numeric-sort paths must order entries exactly as comparing does.
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { buildOrder, buildOrderByComparing } from './entry-order.js';
import type { Operation } from './history.js';

const runs = Number(process.env.CHECKER_PROPERTY_RUNS ?? 200);

/** A write of its id, called and returning at the given positions (Infinity: crashed). */
function write(id: number, callIndex: number, returnIndex: number): Operation {
  return {
    id,
    process: id,
    f: 'write',
    key: undefined,
    input: id,
    output: undefined,
    crashed: returnIndex === Number.POSITIVE_INFINITY,
    callIndex,
    returnIndex,
    callTime: callIndex,
    returnTime: 0,
  };
}

/** Operations in call order with integer positions (a return may share a later call's); some crashed. */
const operationsArbitrary = fc
  .array(fc.tuple(fc.nat(20), fc.boolean()), { maxLength: 30 })
  .map((shapes) =>
    shapes.map(([length, crashed], id) =>
      write(id, id, crashed ? Number.POSITIVE_INFINITY : id + 1 + length * 1000 + id),
    ),
  );

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
  const operations = Array.from({ length: 200 }, (_, id) => write(id, id, 1_000 - id));
  const order = [...buildOrder(operations)];
  expect(order).toEqual([...buildOrderByComparing(operations)]);
  expect(order.slice(198, 202)).toEqual([2 * 198, 2 * 199, 2 * 199 + 1, 2 * 198 + 1]);
});

test('buildOrder() orders fractional positions, in call order or not', () => {
  expect([...buildOrder([write(0, 0.5, 2.25), write(1, 1, 1.5)])]).toEqual([0, 2, 3, 1]);
  // Out of call order, and not one number each: the comparing sort.
  expect([...buildOrder([write(0, 1, 1.5), write(1, 0.5, 2.25)])]).toEqual([2, 0, 1, 3]);
});

test('buildOrder() orders positions no file has (an infinite call, a NaN return) as comparing does', () => {
  const infiniteCall = [write(0, 0, Number.POSITIVE_INFINITY), write(1, Number.POSITIVE_INFINITY, 2)];
  expect([...buildOrder(infiniteCall)]).toEqual([...buildOrderByComparing(infiniteCall)]);
  const nanReturn = [write(0, 0, Number.NaN), write(1, 1, 0.5)];
  expect([...buildOrder(nanReturn)]).toEqual([...buildOrderByComparing(nanReturn)]);
});
