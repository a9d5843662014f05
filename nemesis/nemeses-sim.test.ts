// Every nemesis, alone and all composed, against the simulated cluster through the sim
// runner: a short register run stays linearizable, each fault appears in the history
// as start/stop events the report pairs into fault bands, and one seed gives one history
// hash with all faults composed.

import { describe, expect, test } from 'vitest';
import type { History } from '../checker/history.js';
import { faultIntervals } from '../reports/nemesis.js';
import { runSimTest, type SimTestOptions } from '../runner/run-sim.js';

const shortRun: SimTestOptions = {
  workload: 'register',
  nemesis: [],
  nodes: 3,
  timeLimitS: 10,
  rate: 100,
  concurrency: 6,
  seed: 5,
  intervalS: 1,
  recoveryS: 3,
};

const everyNemesis = ['partition', 'partition-one-way', 'kill', 'pause', 'clock', 'disk', 'membership'];

describe('nemeses in sim runs', () => {
  test.each([
    ['disk', 3],
    ['membership', 3],
    ['membership', 5],
    ['partition-one-way', 3],
  ] as const)(
    '`runSimTest()` under %s on %i nodes stays valid with its faults in the history',
    async (name, nodes) => {
      const result = await runSimTest({ ...shortRun, nemesis: [name], nodes });
      expect(result.results.valid).toBe(true);
      const faults = result.history.filter((event) => event.process === 'nemesis').map((event) => event.f);
      expect(faults).toContain(`start-${name}`);
      expect(faults).toContain(`stop-${name}`);
      expect(faults).not.toContain('nemesis-error');
      expect(faults.at(-1)).toBe('heal');
    },
  );

  test('`runSimTest()` under every nemesis composed keeps several in force, stays valid and reproduces its hash', async () => {
    const options = { ...shortRun, nemesis: everyNemesis, timeLimitS: 15, seed: 9 };
    const first = await runSimTest(options);
    expect(first.results.valid).toBe(true);
    const faults = first.history.filter((event) => event.process === 'nemesis');
    let inForce = 0;
    let inForceMax = 0;
    for (const event of faults) {
      if (event.f.startsWith('start-')) inForce++;
      if (event.f.startsWith('stop-')) inForce--;
      inForceMax = Math.max(inForceMax, inForce);
    }
    expect(inForceMax).toBeGreaterThanOrEqual(2);
    // The report's fault bands: one per start, each closed by its stop or the final heal.
    const intervals = faultIntervals(first.history as History).filter(
      (each) => each.endTime !== each.startTime,
    );
    expect(intervals).toHaveLength(faults.filter((event) => event.f.startsWith('start-')).length);
    expect(intervals.every((each) => each.endTime !== undefined && each.endTime > each.startTime)).toBe(true);
    const again = await runSimTest(options);
    expect(again.historyHash).toBe(first.historyHash);
  });
});
