import { test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Xoshiro128 } from '../server/ports/random.js';
import { describeAction, generateSchedule, type ScheduleAction, validateSchedule } from './schedule.js';
import { scheduleArbitrary } from './schedule-arbitrary.js';

function nodesOf(action: ScheduleAction): number[] {
  switch (action.type) {
    case 'partition':
      return [...action.minority];
    case 'blockOneWay':
      return [action.from, action.to];
    case 'heal':
    case 'linkFaults':
      return [];
    default:
      return [action.node];
  }
}

describe('schedules', () => {
  test('generateSchedule() gives the same schedule for the same seed and another for another', () => {
    const shape = { nodeCount: 5, stepsMax: 30, gapMsMax: 500 };
    const first = generateSchedule(new Xoshiro128(8), shape);
    expect(generateSchedule(new Xoshiro128(8), shape)).toEqual(first);
    expect(generateSchedule(new Xoshiro128(9), shape)).not.toEqual(first);
  });

  test('generateSchedule() honours stepsMin, stepsMax and gapMsMax', () => {
    const random = new Xoshiro128(3);
    for (let i = 0; i < 50; i++) {
      const schedule = generateSchedule(random, { nodeCount: 3, stepsMin: 4, stepsMax: 9, gapMsMax: 100 });
      expect(schedule.steps.length).toBeGreaterThanOrEqual(4);
      expect(schedule.steps.length).toBeLessThanOrEqual(9);
      for (const step of schedule.steps) {
        expect(step.afterMs).toBeLessThanOrEqual(100);
        for (const node of nodesOf(step.action)) expect(node).toBeLessThanOrEqual(3);
      }
    }
  });

  test.prop([scheduleArbitrary({ nodeCount: 5, stepsMax: 10, gapMsMax: 300 })], { seed: 5 })(
    'scheduleArbitrary() draws steps that name existing nodes (0: the leader)',
    (schedule) => {
      expect(schedule.steps.length).toBeGreaterThan(0);
      for (const step of schedule.steps) {
        for (const node of nodesOf(step.action)) {
          expect(node).toBeGreaterThanOrEqual(0);
          expect(node).toBeLessThanOrEqual(5);
        }
        expect(describeAction(step.action)).toMatch(/^[a-zA-Z]+/);
      }
    },
  );

  test('validateSchedule() rejects a step naming a node outside the cluster', () => {
    expect(() =>
      validateSchedule({ nodeCount: 3, steps: [{ afterMs: 5, action: { type: 'restart', node: 4 } }] }),
    ).toThrow('Cannot use \'schedule.steps[0].action\' = {"type":"restart","node":4}: node 4 is not in 1..3');
    expect(() =>
      validateSchedule({ nodeCount: 3, steps: [{ afterMs: -1, action: { type: 'heal' } }] }),
    ).toThrow("Cannot use 'schedule.steps[0].afterMs' = -1");
    expect(() =>
      validateSchedule({ nodeCount: 3, steps: [{ afterMs: 0, action: { type: 'crash', node: 0 } }] }),
    ).not.toThrow();
  });

  test('describeAction() names the action and its fields', () => {
    expect(describeAction({ type: 'partition', minority: [1, 2] })).toBe('partition minority=1,2');
    expect(describeAction({ type: 'crashRestart', node: 0, downMs: 30 })).toBe(
      'crashRestart node=0 downMs=30',
    );
  });
});
