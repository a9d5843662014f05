// Issue 3 §5: the property suite must catch real bugs. Each test turns on one planted
// bug (three in Raft, one in the host's node loop) and shows that the schedule search
// finds a violation within a bounded number of schedules, printing which invariant
// caught it and the seed that replays it. The search is tuned to open the windows these
// bugs need: many crashes and quick restarts, slow links with a long tail, short election
// timeouts without PreVote and CheckQuorum (more term races), and one entry per append
// message. A control run of the same search without any planted bug must find nothing,
// so a catch is the bug's doing and not the harness's.

import { describe, expect, test } from 'vitest';
import type { PlantedBugs } from '../server/raft/config.js';
import type { HostPlantedBugs } from './node-host.js';
import { formatTotals, type SearchReport, searchSchedules } from './schedule-search.js';

/** Schedules the search may try per planted bug: the CI budget. */
const schedulesMax = Number(process.env.SIM_BUG_RUNS ?? 3000);
const seed = Number(process.env.SIM_SEED ?? 20261124);
const path = process.env.SIM_PATH;
const controlRuns = Number(process.env.SIM_CONTROL_RUNS ?? 1000);
const timeoutMs = Math.max(60_000, Math.max(schedulesMax, controlRuns) * 100);

interface PlantedBugCase {
  readonly name: string;
  readonly raftPlantedBugs?: PlantedBugs;
  readonly hostPlantedBugs?: HostPlantedBugs;
  /** Cluster sizes to search; default [3, 3, 5]. */
  readonly nodeCounts?: readonly number[];
  /** Longest crashRestart downtime; default 200. */
  readonly restartDelayMsMax?: number;
}

const cases: PlantedBugCase[] = [
  { name: 'voteWithoutLogCheck', raftPlantedBugs: { voteWithoutLogCheck: true } },
  { name: 'commitOldTermByCounting', raftPlantedBugs: { commitOldTermByCounting: true } },
  // A forgotten vote breaks safety only when a voter restarts before a second candidate's
  // request of the same term reaches it, and that one vote makes a second majority: quick
  // restarts in 3-node clusters find it several times faster.
  {
    name: 'forgetVoteInHardState',
    raftPlantedBugs: { forgetVoteInHardState: true },
    nodeCounts: [3],
    restartDelayMsMax: 60,
  },
  { name: 'sendBeforePersist', hostPlantedBugs: { sendBeforePersist: true } },
];

function bugSearch(bug: PlantedBugCase, numRuns: number): SearchReport {
  return searchSchedules({
    seed,
    numRuns,
    ...(path === undefined ? {} : { path }),
    nodeCounts: bug.nodeCounts ?? [3, 3, 5],
    ...(bug.restartDelayMsMax === undefined ? {} : { restartDelayMsMax: bug.restartDelayMsMax }),
    stepsMax: 40,
    gapMsMax: 100,
    crashWeight: 8,
    shrink: false,
    run: {
      maxSizePerMsgBytes: 1,
      preVote: false,
      checkQuorum: false,
      electionTicks: 4,
      network: { delayMsMin: 1, delayMsMax: 20, tailPerMille: 100, tailDelayMsMax: 300 },
      ...(bug.raftPlantedBugs === undefined ? {} : { raftPlantedBugs: bug.raftPlantedBugs }),
      ...(bug.hostPlantedBugs === undefined ? {} : { hostPlantedBugs: bug.hostPlantedBugs }),
    },
    replayFile: 'sim/planted-bugs.test.ts',
    replayTestName: bug.name,
  });
}

describe('planted bugs', () => {
  // One control per search configuration the cases use.
  const controls: PlantedBugCase[] = [
    { name: 'none' },
    { name: 'none, 3 nodes, quick restarts', nodeCounts: [3], restartDelayMsMax: 60 },
  ];
  for (const control of controls) {
    test(
      `runSchedule() finds nothing in the bug-hunting search without a planted bug (${control.name}, ${controlRuns} schedules)`,
      () => {
        const report = bugSearch(control, controlRuns);
        console.log(
          `planted bug control (${control.name}): ${report.runs} schedules, ${formatTotals(report.totals)}`,
        );
        if (report.failure !== undefined)
          console.log(`${report.failure.report}\nreplay: ${report.failure.replay}`);
        expect(report.failure?.report).toBeUndefined();
      },
      timeoutMs,
    );
  }

  for (const bug of cases) {
    test(
      `runSchedule() finds the planted bug ${bug.name} within ${schedulesMax} schedules`,
      () => {
        const report = bugSearch(bug, schedulesMax);
        const caughtBy = report.failure?.caughtBy ?? 'nothing';
        console.log(
          `planted bug ${bug.name}: caught by ${caughtBy} after ${report.runs} schedules (seed ${seed})\n` +
            `${report.failure?.report ?? ''}\nreplay: ${report.failure?.replay ?? '-'}`,
        );
        expect(report.failure).toBeDefined();
        expect(caughtBy).not.toBe('budget');
      },
      timeoutMs,
    );
  }
});
