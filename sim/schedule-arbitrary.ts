// The fault schedules of schedule.ts as a fast-check arbitrary, for the property suite:
// fast-check generates them from its seed and shrinks a failing one (fewer steps,
// shorter gaps, smaller values) before reporting it. Test-only: imports fast-check.

import fc from 'fast-check';
import type { Schedule, ScheduleAction, ScheduleShape } from './schedule.js';

/** The same space of schedules as a fast-check arbitrary, so failures shrink. */
export function scheduleArbitrary(shape: ScheduleShape): fc.Arbitrary<Schedule> {
  const n = shape.nodeCount;
  const node = fc.integer({ min: 1, max: n });
  const target = fc.integer({ min: 0, max: n });
  const crashWeight = shape.crashWeight ?? 1;
  const action: fc.Arbitrary<ScheduleAction> = fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant('propose' as const),
        node: fc.integer({ min: 0, max: n }),
        count: fc.integer({ min: 1, max: 10 }),
      }),
    },
    { weight: crashWeight, arbitrary: fc.record({ type: fc.constant('crash' as const), node: target }) },
    {
      weight: crashWeight,
      arbitrary: fc.record({
        type: fc.constant('crashRestart' as const),
        node: target,
        downMs: fc.integer({ min: 0, max: shape.restartDelayMsMax ?? 200 }),
      }),
    },
    { weight: crashWeight, arbitrary: fc.record({ type: fc.constant('restart' as const), node }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('heal' as const) }) },
    {
      weight: 1,
      arbitrary: fc
        .subarray(
          Array.from({ length: n }, (_, index) => index + 1),
          { minLength: 1, maxLength: Math.max(1, Math.floor(n / 2)) },
        )
        .map((minority) => ({ type: 'partition' as const, minority })),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('isolate' as const), node: target }) },
    {
      weight: 1,
      arbitrary: node.map((from) => ({ type: 'blockOneWay' as const, from, to: (from % n) + 1 })),
    },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('pause' as const), node: target }) },
    { weight: 1, arbitrary: fc.record({ type: fc.constant('resume' as const), node }) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('clockBump' as const),
        node,
        deltaMs: fc.integer({ min: -5_000, max: 5_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('clockDrift' as const),
        node,
        driftPpm: fc.integer({ min: -200_000, max: 200_000 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('linkFaults' as const),
        lossPerMille: fc.integer({ min: 0, max: 300 }),
        duplicatePerMille: fc.integer({ min: 0, max: 200 }),
        reorderPerMille: fc.integer({ min: 0, max: 500 }),
      }),
    },
  );
  const membership: fc.Arbitrary<ScheduleAction> = fc.oneof(
    fc.record({ type: fc.constant('removeVoter' as const), node }),
    fc.record({ type: fc.constant('addVoter' as const), node }),
  );
  const anyAction =
    shape.membership === true
      ? fc.oneof({ weight: 8, arbitrary: action }, { weight: 1, arbitrary: membership })
      : action;
  const step = fc.record({ afterMs: fc.integer({ min: 0, max: shape.gapMsMax }), action: anyAction });
  return fc
    .array(step, { minLength: 1, maxLength: shape.stepsMax })
    .map((steps) => ({ nodeCount: n, steps }));
}
