// The Raft safety and liveness properties over random fault schedules (issue 3 §4).
// fast-check draws a schedule (faults, client proposals and membership changes) and a
// world seed; runSchedule checks election safety, log matching, leader completeness and
// state machine safety after every step (and on every event where cheap) and liveness
// after healing. CI runs SIM_RUNS (default 500) schedules from a fixed seed; a failure
// prints the seed, the shrunk schedule and the command that replays it.

import { describe, expect, test } from 'vitest';
import { formatTotals, searchSchedules } from './schedule-search.js';

const runs = Number(process.env.SIM_RUNS ?? 500);
const seed = Number(process.env.SIM_SEED ?? 20261124);
const path = process.env.SIM_PATH;
/** A schedule takes a few ms; a large nightly SIM_RUNS gets time in proportion. */
const timeoutMs = Math.max(60_000, runs * 100);

describe('Raft in the simulator', () => {
  test(
    'runSchedule() keeps every safety invariant and converges after healing, over random schedules',
    () => {
      const report = searchSchedules({
        seed,
        numRuns: runs,
        ...(path === undefined ? {} : { path }),
        // Small clusters and a few virtual seconds each keep 500 schedules within CI's budget.
        nodeCounts: [3, 3, 5],
        stepsMax: 20,
        gapMsMax: 500,
        membership: true,
        shrink: true,
        // Frequent snapshots and short logs make lagging and restarted nodes catch up by
        // InstallSnapshot, not only by log replay.
        run: { snapshotEveryEntries: 20, compactKeepEntries: 5 },
        replayFile: 'sim/properties.test.ts',
      });
      console.log(
        `sim properties: ${report.runs} schedules run (seed ${seed}, SIM_RUNS=${runs}); ${formatTotals(report.totals)}`,
      );
      if (report.failure !== undefined) {
        console.log(`sim properties FAILED: ${report.failure.report}\nreplay: ${report.failure.replay}`);
      }
      expect(report.failure?.report).toBeUndefined();
      expect(report.runs).toBeGreaterThanOrEqual(runs);
    },
    timeoutMs,
  );
});
