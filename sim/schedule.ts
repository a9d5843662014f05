// A fault schedule: timed steps of partitions (halves, isolation, one-way), heals,
// crashes, restarts, pauses, resumes, clock bumps and drift, link loss / duplication /
// reordering, and client proposals. Steps carry the delay since the previous step, so
// removing one while shrinking leaves the others' spacing intact. This file has the
// seeded generator (the demo and the bench); schedule-arbitrary.ts draws the same space
// with fast-check for the property suite, which shrinks a failing schedule.

import { ConfigError, requirePositiveInteger } from '../server/config-error.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';

// Node 0 in crash, crashRestart, pause and isolate means "the current leader" (no-op
// without one): faults aimed at the leader are the ones that exercise elections.
export type ScheduleAction =
  /** `minority` on one side, everyone else on the other. */
  | { readonly type: 'partition'; readonly minority: readonly NodeId[] }
  | { readonly type: 'isolate'; readonly node: NodeId }
  | { readonly type: 'blockOneWay'; readonly from: NodeId; readonly to: NodeId }
  | { readonly type: 'heal' }
  | { readonly type: 'crash'; readonly node: NodeId }
  /** Crash, and restart `downMs` later (a supervisor restarting a killed process). */
  | { readonly type: 'crashRestart'; readonly node: NodeId; readonly downMs: number }
  | { readonly type: 'restart'; readonly node: NodeId }
  | { readonly type: 'pause'; readonly node: NodeId }
  | { readonly type: 'resume'; readonly node: NodeId }
  | { readonly type: 'clockBump'; readonly node: NodeId; readonly deltaMs: number }
  | { readonly type: 'clockDrift'; readonly node: NodeId; readonly driftPpm: number }
  | {
      readonly type: 'linkFaults';
      readonly lossPerMille: number;
      readonly duplicatePerMille: number;
      readonly reorderPerMille: number;
    }
  /** Membership, through the current leader: remove a voter, or add one back. */
  | { readonly type: 'removeVoter'; readonly node: NodeId }
  | { readonly type: 'addVoter'; readonly node: NodeId }
  /** `count` client proposals to `node` (0: to the current leader, if any). */
  | { readonly type: 'propose'; readonly node: NodeId; readonly count: number };

export interface ScheduleStep {
  /** Virtual milliseconds after the previous step (or the start). */
  readonly afterMs: number;
  readonly action: ScheduleAction;
}

export interface Schedule {
  readonly nodeCount: number;
  readonly steps: readonly ScheduleStep[];
}

export interface ScheduleShape {
  readonly nodeCount: number;
  /** Default 1. */
  readonly stepsMin?: number;
  readonly stepsMax: number;
  /** Largest gap between two steps. */
  readonly gapMsMax: number;
  /** Relative weight of crash/restart steps (the planted-bug search raises it). Default 1. */
  readonly crashWeight?: number;
  /** Longest downtime of a crashRestart step. Default 200. */
  readonly restartDelayMsMax?: number;
  /** Draw membership changes (removeVoter, addVoter) too. Default false. */
  readonly membership?: boolean;
}

/** The one-line description of a step used in traces and the demo's output. */
export function describeAction(action: ScheduleAction): string {
  const { type, ...fields } = action;
  const parts = Object.entries(fields).map(
    ([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`,
  );
  return [type, ...parts].join(' ');
}

/** Draws a schedule from the seeded Random (same generator state, same schedule). */
export function generateSchedule(random: Random, shape: ScheduleShape): Schedule {
  const steps: ScheduleStep[] = [];
  const count = random.intBetween(shape.stepsMin ?? 1, shape.stepsMax);
  const crashWeight = shape.crashWeight ?? 1;
  const node = (): NodeId => random.intBetween(1, shape.nodeCount);
  const kinds: ScheduleAction['type'][] = [
    'partition',
    'isolate',
    'blockOneWay',
    'heal',
    'pause',
    'resume',
    'clockBump',
    'clockDrift',
    'linkFaults',
    'propose',
    'propose',
    'propose',
  ];
  for (let i = 0; i < crashWeight; i++) kinds.push('crash', 'restart', 'crashRestart');
  if (shape.membership === true) kinds.push('removeVoter', 'addVoter');
  const target = (): NodeId => random.intBetween(0, shape.nodeCount);
  for (let i = 0; i < count; i++) {
    const kind = kinds[random.intBelow(kinds.length)]!;
    const action = ((): ScheduleAction => {
      switch (kind) {
        case 'partition': {
          const minority = Array.from({ length: shape.nodeCount }, (_, index) => index + 1).filter(() =>
            random.chance(1, 2),
          );
          return { type: 'partition', minority };
        }
        case 'blockOneWay': {
          const from = node();
          return { type: 'blockOneWay', from, to: (from % shape.nodeCount) + 1 };
        }
        case 'heal':
          return { type: 'heal' };
        case 'crashRestart':
          return {
            type: 'crashRestart',
            node: target(),
            downMs: random.intBetween(0, shape.restartDelayMsMax ?? 200),
          };
        case 'crash':
        case 'pause':
        case 'isolate':
          return { type: kind, node: target() };
        case 'clockBump':
          return { type: 'clockBump', node: node(), deltaMs: random.intBetween(-5_000, 5_000) };
        case 'clockDrift':
          return { type: 'clockDrift', node: node(), driftPpm: random.intBetween(-200_000, 200_000) };
        case 'linkFaults':
          return {
            type: 'linkFaults',
            lossPerMille: random.intBetween(0, 300),
            duplicatePerMille: random.intBetween(0, 200),
            reorderPerMille: random.intBetween(0, 500),
          };
        case 'propose':
          return {
            type: 'propose',
            node: random.intBetween(0, shape.nodeCount),
            count: random.intBetween(1, 10),
          };
        default:
          return { type: kind, node: node() };
      }
    })();
    steps.push({ afterMs: random.intBetween(0, shape.gapMsMax), action });
  }
  return { nodeCount: shape.nodeCount, steps };
}

/** Rejects a schedule that names a node outside 1..nodeCount (0 where "the leader" is allowed). */
export function validateSchedule(schedule: Schedule): void {
  requirePositiveInteger('schedule.nodeCount', schedule.nodeCount);
  schedule.steps.forEach((step, index) => {
    const field = `schedule.steps[${index}]`;
    if (!Number.isSafeInteger(step.afterMs) || step.afterMs < 0) {
      throw new ConfigError(`${field}.afterMs`, step.afterMs, 'it must be a non-negative integer');
    }
    const action = step.action;
    const leaderAllowed = ['crash', 'crashRestart', 'pause', 'isolate', 'propose'].includes(action.type);
    for (const node of nodesNamed(action)) {
      const min = leaderAllowed ? 0 : 1;
      if (!Number.isSafeInteger(node) || node < min || node > schedule.nodeCount) {
        throw new ConfigError(
          `${field}.action`,
          action,
          `node ${node} is not in ${min}..${schedule.nodeCount}`,
        );
      }
    }
  });
}

function nodesNamed(action: ScheduleAction): readonly NodeId[] {
  switch (action.type) {
    case 'partition':
      return action.minority;
    case 'blockOneWay':
      return [action.from, action.to];
    case 'heal':
    case 'linkFaults':
      return [];
    default:
      return [action.node];
  }
}
