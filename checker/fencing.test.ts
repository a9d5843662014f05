import { describe, expect, test } from 'vitest';
import { checkFencing } from './fencing.js';
import { HistoryBuilder } from './history-builder.js';

function write(token: number, revision: number, written = true) {
  return { value: { owner: `o${token}`, token, written, revision }, key: 'lock' };
}

describe('checkFencing()', () => {
  test('checkFencing() accepts a stale holder refused by the fence while its lock overlapped the next', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'acquire', { key: 'lock' })
      .ok(0, 'acquire', { key: 'lock' })
      .invoke(0, 'write', write(5, 0))
      .ok(0, 'write', write(5, 6))
      .invoke(1, 'acquire', { key: 'lock' })
      .ok(1, 'acquire', { key: 'lock' })
      .invoke(1, 'write', write(7, 0))
      .ok(1, 'write', write(7, 8))
      .invoke(0, 'write', write(5, 0))
      .ok(0, 'write', write(5, 9, false))
      .invoke(0, 'release', { key: 'lock' }).history;
    const result = checkFencing(history);
    expect(result).toMatchObject({ valid: true, acceptedWrites: 2, refusedWrites: 1, lockOverlaps: 1 });
  });

  test('checkFencing() finds an older token accepted after a newer one', () => {
    const history = new HistoryBuilder()
      .invoke(1, 'write', write(7, 0))
      .ok(1, 'write', write(7, 8))
      .invoke(0, 'write', write(5, 0))
      .ok(0, 'write', write(5, 9)).history;
    const result = checkFencing(history);
    expect(result.valid).toBe(false);
    expect(result.violations.map((violation) => violation.kind)).toEqual(['token-order', 'real-time']);
    expect(result.violations[0]!.description).toBe(
      "process 0's write with token 5 (revision 9) was accepted after process 1's write with token 7 (revision 8): the fence let an older holder through",
    );
  });

  test('checkFencing() judges each lock key on its own', () => {
    const history = new HistoryBuilder()
      .invoke(1, 'write', { ...write(7, 0), key: 'lock/1' })
      .ok(1, 'write', { ...write(7, 8), key: 'lock/1' })
      .invoke(0, 'write', { ...write(5, 0), key: 'lock/0' })
      .ok(0, 'write', { ...write(5, 9), key: 'lock/0' }).history;
    expect(checkFencing(history).valid).toBe(true);
  });
});
