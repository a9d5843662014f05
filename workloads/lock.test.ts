import { describe, expect, test } from 'vitest';
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

describe('criticalSections()', () => {
  test('criticalSections() pairs an acquire ok with the same process release invoke', () => {
    const sections = criticalSections([
      { index: 0, time: 1, process: 0, type: 'invoke', f: 'acquire' },
      { index: 1, time: 2, process: 0, type: 'ok', f: 'acquire' },
      { index: 2, time: 3, process: 1, type: 'invoke', f: 'acquire' },
      { index: 3, time: 5, process: 0, type: 'invoke', f: 'release' },
      { index: 4, time: 6, process: 1, type: 'ok', f: 'acquire' },
    ]);
    expect(sections).toEqual([
      { process: 0, startTime: 2, startIndex: 1, endTime: 5, endIndex: 3 },
      { process: 1, startTime: 6, startIndex: 4, endTime: Infinity, endIndex: Infinity },
    ]);
  });
});
