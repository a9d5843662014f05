// Known anomalies, one small history each, for the list-append and rw-register analyses.
import { describe, expect, test } from 'vitest';
import type { Process } from '../history.js';
import { HistoryBuilder } from '../history-builder.js';
import { checkListAppend } from './list-append.js';
import { checkRwRegister } from './rw-register.js';
import type { MicroOp } from './transactions.js';

type Txn = { process: Process; invoke: MicroOp[]; complete: MicroOp[]; type?: 'ok' | 'fail' };

/** All transactions run concurrently (invoked together, completed together) unless `sequential`. */
function history(txns: Txn[], sequential = false) {
  const builder = new HistoryBuilder();
  if (sequential) {
    for (const txn of txns)
      builder
        .invoke(txn.process, 'txn', { value: txn.invoke })
        [txn.type ?? 'ok'](txn.process, 'txn', { value: txn.complete });
    return builder.history;
  }
  for (const txn of txns) builder.invoke(txn.process, 'txn', { value: txn.invoke });
  for (const txn of txns) builder[txn.type ?? 'ok'](txn.process, 'txn', { value: txn.complete });
  return builder.history;
}

const same = (process: number, ops: MicroOp[], type: 'ok' | 'fail' = 'ok'): Txn => ({
  process,
  invoke: ops,
  complete: ops,
  type,
});
const read = (process: number, invoke: MicroOp[], complete: MicroOp[]): Txn => ({
  process,
  invoke,
  complete,
});

function types(result: { anomalies: Array<{ type: string }> }): string[] {
  return result.anomalies.map((anomaly) => anomaly.type);
}

describe('checkListAppend()', () => {
  test('checkListAppend() accepts a serial history', () => {
    const result = checkListAppend(
      history([same(0, [['append', 'x', 1]]), read(1, [['r', 'x', null]], [['r', 'x', [1]]])], true),
    );
    expect(result).toMatchObject({ valid: true, anomalies: [] });
  });

  test('checkListAppend() finds G0: write cycle over two keys', () => {
    const result = checkListAppend(
      history([
        same(0, [
          ['append', 'x', 1],
          ['append', 'y', 2],
        ]),
        same(1, [
          ['append', 'x', 2],
          ['append', 'y', 1],
        ]),
        read(
          2,
          [
            ['r', 'x', null],
            ['r', 'y', null],
          ],
          [
            ['r', 'x', [1, 2]],
            ['r', 'y', [1, 2]],
          ],
        ),
      ]),
    );
    expect(types(result)).toContain('G0');
    expect(result.anomalies[0]!.description).toMatch(/^G0: T\d -ww-> T\d \(key "[xy]"/);
  });

  test('checkListAppend() finds G1c: circular information flow', () => {
    const result = checkListAppend(
      history([
        read(
          0,
          [
            ['append', 'x', 1],
            ['r', 'y', null],
          ],
          [
            ['append', 'x', 1],
            ['r', 'y', [1]],
          ],
        ),
        read(
          1,
          [
            ['append', 'y', 1],
            ['r', 'x', null],
          ],
          [
            ['append', 'y', 1],
            ['r', 'x', [1]],
          ],
        ),
      ]),
    );
    expect(types(result)).toEqual(['G1c']);
  });

  test('checkListAppend() finds G-single: read skew', () => {
    const result = checkListAppend(
      history([
        read(
          0,
          [
            ['r', 'x', null],
            ['r', 'y', null],
          ],
          [
            ['r', 'x', []],
            ['r', 'y', [1]],
          ],
        ),
        same(1, [
          ['append', 'x', 1],
          ['append', 'y', 1],
        ]),
        read(2, [['r', 'x', null]], [['r', 'x', [1]]]),
      ]),
    );
    expect(types(result)).toEqual(['G-single']);
  });

  test('checkListAppend() finds G2-item: write skew', () => {
    const result = checkListAppend(
      history([
        read(
          0,
          [
            ['r', 'x', null],
            ['append', 'y', 1],
          ],
          [
            ['r', 'x', []],
            ['append', 'y', 1],
          ],
        ),
        read(
          1,
          [
            ['r', 'y', null],
            ['append', 'x', 1],
          ],
          [
            ['r', 'y', []],
            ['append', 'x', 1],
          ],
        ),
        read(
          2,
          [
            ['r', 'x', null],
            ['r', 'y', null],
          ],
          [
            ['r', 'x', [1]],
            ['r', 'y', [1]],
          ],
        ),
      ]),
    );
    expect(types(result)).toEqual(['G2-item']);
  });

  test('checkListAppend() finds G1a (aborted read) and G1b (intermediate read)', () => {
    const aborted = checkListAppend(
      history([same(0, [['append', 'x', 1]], 'fail'), read(1, [['r', 'x', null]], [['r', 'x', [1]]])], true),
    );
    expect(types(aborted)).toEqual(['G1a']);
    const intermediate = checkListAppend(
      history([
        same(0, [
          ['append', 'x', 1],
          ['append', 'x', 2],
        ]),
        read(1, [['r', 'x', null]], [['r', 'x', [1]]]),
        read(2, [['r', 'x', null]], [['r', 'x', [1, 2]]]),
      ]),
    );
    expect(types(intermediate)).toContain('G1b');
  });

  test('checkListAppend() finds a stale read that needs real-time order: G-single-realtime', () => {
    const result = checkListAppend(
      history(
        [
          same(0, [['append', 'x', 1]]),
          read(1, [['r', 'x', null]], [['r', 'x', []]]),
          read(2, [['r', 'x', null]], [['r', 'x', [1]]]),
        ],
        true,
      ),
    );
    expect(types(result)).toEqual(['G-single-realtime']);
  });

  test('checkListAppend() finds reads that disagree on the order', () => {
    const result = checkListAppend(
      history([
        same(0, [['append', 'x', 1]]),
        same(1, [['append', 'x', 2]]),
        read(2, [['r', 'x', null]], [['r', 'x', [1, 2]]]),
        read(3, [['r', 'x', null]], [['r', 'x', [2, 1]]]),
      ]),
    );
    expect(types(result)).toContain('incompatible-order');
  });
});

describe('checkRwRegister()', () => {
  test('checkRwRegister() accepts a serial history', () => {
    const result = checkRwRegister(
      history([same(0, [['w', 'x', 1]]), read(1, [['r', 'x', null]], [['r', 'x', 1]])], true),
    );
    expect(result.valid).toBe(true);
  });

  test('checkRwRegister() finds G1a, G1b and G-single-realtime', () => {
    expect(
      types(
        checkRwRegister(
          history([same(0, [['w', 'x', 1]], 'fail'), read(1, [['r', 'x', null]], [['r', 'x', 1]])], true),
        ),
      ),
    ).toEqual(['G1a']);
    expect(
      types(
        checkRwRegister(
          history([
            same(0, [
              ['w', 'x', 1],
              ['w', 'x', 2],
            ]),
            read(1, [['r', 'x', null]], [['r', 'x', 1]]),
          ]),
        ),
      ),
    ).toEqual(['G1b']);
    const stale = checkRwRegister(
      history([same(0, [['w', 'x', 1]]), read(1, [['r', 'x', null]], [['r', 'x', null]])], true),
    );
    expect(types(stale)).toEqual(['G-single-realtime']);
  });

  test('checkRwRegister() finds G2-item: write skew with read-then-write', () => {
    const result = checkRwRegister(
      history([
        same(9, [
          ['w', 'x', 0],
          ['w', 'y', 0],
        ]),
        read(
          0,
          [
            ['r', 'x', null],
            ['r', 'y', null],
            ['w', 'y', 1],
          ],
          [
            ['r', 'x', 0],
            ['r', 'y', 0],
            ['w', 'y', 1],
          ],
        ),
        read(
          1,
          [
            ['r', 'x', null],
            ['r', 'y', null],
            ['w', 'x', 1],
          ],
          [
            ['r', 'x', 0],
            ['r', 'y', 0],
            ['w', 'x', 1],
          ],
        ),
      ]),
    );
    expect(types(result)).toContain('G2-item');
  });
});
