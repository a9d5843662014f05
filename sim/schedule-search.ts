// The property search shared by the property suite and the planted-bug tests: fast-check
// draws (schedule, world seed) pairs from its own seed, runSchedule judges each, and a
// failure is shrunk and reported with the invariant that caught it, the shrunk schedule
// and the command that replays it. Test-only: imports fast-check.

import fc from 'fast-check';
import type { InvariantName } from './invariants.js';
import { type RunScheduleOptions, runSchedule, type ScheduleResult } from './run-schedule.js';
import { describeAction, type Schedule } from './schedule.js';
import { scheduleArbitrary } from './schedule-arbitrary.js';

export interface SearchOptions {
  readonly seed: number;
  readonly numRuns: number;
  /** fast-check's replay path of a counterexample (from an earlier failure). */
  readonly path?: string;
  readonly nodeCounts: readonly number[];
  readonly stepsMax: number;
  readonly gapMsMax: number;
  readonly crashWeight?: number;
  readonly restartDelayMsMax?: number;
  /** Draw membership changes too. */
  readonly membership?: boolean;
  /** Stop at the first failure without shrinking (the planted-bug search wants speed). */
  readonly shrink: boolean;
  readonly run?: RunScheduleOptions;
  /** The test file, for the replay command. */
  readonly replayFile: string;
  /** The test name filter (vitest -t) for the replay command, when the file has several searches. */
  readonly replayTestName?: string;
}

export interface SearchTotals {
  virtualMs: number;
  events: number;
  acknowledged: number;
  snapshotsRestored: number;
  membershipChanges: number;
  checks: Record<InvariantName, number>;
}

export interface SearchReport {
  readonly runs: number;
  readonly failure?: {
    readonly caughtBy: InvariantName | 'assertion' | 'budget';
    readonly report: string;
    readonly replay: string;
  };
  readonly totals: SearchTotals;
}

export function searchSchedules(options: SearchOptions): SearchReport {
  const totals: SearchTotals = {
    virtualMs: 0,
    events: 0,
    acknowledged: 0,
    snapshotsRestored: 0,
    membershipChanges: 0,
    checks: { electionSafety: 0, logMatching: 0, leaderCompleteness: 0, stateMachineSafety: 0, liveness: 0 },
  };
  let last: { result: ScheduleResult; report: string } | undefined;
  let runs = 0;
  const arbitrary = fc.tuple(
    fc.constantFrom(...options.nodeCounts).chain((nodeCount) =>
      scheduleArbitrary({
        nodeCount,
        stepsMax: options.stepsMax,
        gapMsMax: options.gapMsMax,
        ...(options.crashWeight === undefined ? {} : { crashWeight: options.crashWeight }),
        ...(options.membership === undefined ? {} : { membership: options.membership }),
        ...(options.restartDelayMsMax === undefined ? {} : { restartDelayMsMax: options.restartDelayMsMax }),
      }),
    ),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  );
  const details = fc.check(
    fc.property(arbitrary, ([schedule, worldSeed]) => {
      runs++;
      const result = runSchedule(schedule, worldSeed, options.run);
      const world = result.world;
      totals.virtualMs += world.nowMs();
      totals.events += world.processedEvents;
      totals.acknowledged += world.acknowledged.size;
      totals.snapshotsRestored += world.snapshotsRestored;
      totals.membershipChanges += world.membershipChanges;
      for (const [name, count] of Object.entries(world.invariants.checks))
        totals.checks[name as InvariantName] += count;
      if (result.type !== 'ok') last = { result, report: formatFailure(schedule, worldSeed, result) };
      return result.type === 'ok';
    }),
    {
      seed: options.seed,
      numRuns: options.numRuns,
      ...(options.path === undefined ? {} : { path: options.path }),
      endOnFailure: !options.shrink,
    },
  );
  if (!details.failed) return { runs, totals };
  const filter = options.replayTestName === undefined ? '' : ` -t '${options.replayTestName}'`;
  const replay = `SIM_SEED=${options.seed} SIM_PATH=${details.counterexamplePath} npx vitest run ${options.replayFile}${filter}`;
  if (last === undefined || last.result.type === 'ok') {
    const error =
      details.errorInstance instanceof Error
        ? String(details.errorInstance.stack)
        : String(details.errorInstance);
    return { runs, totals, failure: { caughtBy: 'assertion', report: `the run threw: ${error}`, replay } };
  }
  return { runs, totals, failure: { caughtBy: last.result.caughtBy, report: last.report, replay } };
}

export function formatFailure(schedule: Schedule, worldSeed: number, result: ScheduleResult): string {
  if (result.type === 'ok') return 'ok';
  return [
    `${result.caughtBy} violated at ${result.timeMs} ms: ${result.message}`,
    `world seed ${worldSeed}, ${schedule.nodeCount} nodes, schedule:`,
    ...schedule.steps.map((step) => `  +${step.afterMs} ms ${describeAction(step.action)}`),
    `schedule JSON: ${JSON.stringify(schedule)}`,
    'last trace lines:',
    ...result.world.trace
      .lastLines()
      .slice(-20)
      .map((line) => `  ${line}`),
  ].join('\n');
}

export function formatTotals(totals: SearchTotals): string {
  const checks = Object.entries(totals.checks)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  return (
    `${(totals.virtualMs / 1000).toFixed(0)} virtual s, ${totals.events} events, ` +
    `${totals.acknowledged} proposals acknowledged, ${totals.snapshotsRestored} snapshots restored, ` +
    `${totals.membershipChanges} membership changes; checks: ${checks}`
  );
}
