import { describe, expect, test } from 'vitest';
import { checkLock } from '../checker/lock.js';
import { criticalSections, lockWorkload } from './lock.js';
import { runAgainstMemory } from './testing/run.js';

describe.each(['v3lock', 'lease-txn'] as const)('lockWorkload(%s)', (recipe) => {
  test(`lockWorkload() with ${recipe} records alternating acquire/release with disjoint critical sections`, async () => {
    const workload = lockWorkload({ keyPrefix: 'l/', recipe });
    const { history } = await runAgainstMemory(workload, { seed: 4, opsMax: 120, concurrency: 4 });
    const sections = criticalSections(history).filter((section) => section.endTime !== Infinity);
    expect(sections.length).toBeGreaterThan(10);
    for (let i = 1; i < sections.length; i++) {
      // Sections are ordered by acquire; the next may start only after the previous release began.
      expect(sections[i]!.startIndex).toBeGreaterThan(sections[i - 1]!.endIndex);
    }
    for (const event of history.filter((e) => e.f === 'release' && e.type === 'ok')) {
      expect(event.value).toMatchObject({ released: true });
    }
  });
});

describe('lockWorkload() with holds and several locks', () => {
  test('lockWorkload() holds each lock for holdMs between acquire and release, per lock key', async () => {
    const workload = lockWorkload({ keyPrefix: 'l/', holdMs: 500, lockCount: 2, leaseTtlSeconds: 3 });
    const { history } = await runAgainstMemory(workload, { seed: 7, opsMax: 60, concurrency: 4 });
    const holds = history.filter((event) => event.f === 'hold' && event.type === 'ok');
    expect(holds.length).toBeGreaterThan(3);
    const sections = criticalSections(history).filter((section) => section.endTime !== Infinity);
    expect(new Set(sections.map((section) => section.key))).toEqual(new Set(['lock/0', 'lock/1']));
    for (const section of sections) expect(section.endTime - section.startTime).toBeGreaterThanOrEqual(500);
    // Workers 0,1 share lock/0 and 2,3 lock/1: the two locks' sections may overlap, one lock's never.
    expect(checkLock(history).valid).toBe(true);
  });
});

describe('criticalSections()', () => {
  test('criticalSections() pairs an acquire ok with the same process release invoke', () => {
    const sections = criticalSections([
      { index: 0, time: 1, process: 0, type: 'invoke', f: 'acquire', key: 'lock' },
      { index: 1, time: 2, process: 0, type: 'ok', f: 'acquire', key: 'lock' },
      { index: 2, time: 3, process: 1, type: 'invoke', f: 'acquire', key: 'lock' },
      { index: 3, time: 5, process: 0, type: 'invoke', f: 'release', key: 'lock' },
      { index: 4, time: 6, process: 1, type: 'ok', f: 'acquire', key: 'lock' },
    ]);
    expect(sections).toEqual([
      { process: 0, key: 'lock', startTime: 2, startIndex: 1, endTime: 5, endIndex: 3 },
      { process: 1, key: 'lock', startTime: 6, startIndex: 4, endTime: Infinity, endIndex: Infinity },
    ]);
  });
});
