import { describe, expect, test } from 'vitest';
import { checkFencing } from '../checker/fencing.js';
import { fencingWorkload, tokenText } from './fencing.js';
import { runAgainstMemory } from './testing/run.js';

describe('fencingWorkload()', () => {
  test('fencingWorkload() writes under increasing tokens that a correct store accepts', async () => {
    const workload = fencingWorkload({ keyPrefix: 'f/', holdMs: 200, lockCount: 2 });
    const { history } = await runAgainstMemory(workload, { seed: 11, opsMax: 120, concurrency: 4 });
    const acquired = history.filter((event) => event.f === 'acquire' && event.type === 'ok');
    expect(acquired.length).toBeGreaterThan(4);
    for (const event of acquired) expect((event.value as { token: number }).token).toBeGreaterThan(0);
    const writes = history.filter((event) => event.f === 'write' && event.type === 'ok');
    expect(writes.length).toBeGreaterThan(4);
    // Without faults no holder loses its lock, so the fence refuses nothing.
    for (const event of writes) expect(event.value).toMatchObject({ written: true });
    const result = checkFencing(history);
    expect(result).toMatchObject({ valid: true, refusedWrites: 0, lockOverlaps: 0 });
    expect(result.acceptedWrites).toBe(writes.length);
  });
});

describe('tokenText()', () => {
  test('tokenText() orders tokens byte-wise as numbers', () => {
    const tokens = [1, 9, 10, 99, 100, 123_456_789];
    const texts = tokens.map(tokenText);
    expect([...texts].sort()).toEqual(texts);
  });
});
