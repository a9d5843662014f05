import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { runSchedule } from './run-schedule.js';
import { generateSchedule } from './schedule.js';
import { World } from './world.js';

function busyRun(seed: number): string {
  const schedule = generateSchedule(new Xoshiro128(99), { nodeCount: 5, stepsMax: 15, gapMsMax: 300 });
  const result = runSchedule(schedule, seed);
  expect(result.type).toBe('ok');
  return result.traceHash;
}

describe('World', () => {
  test('runUntil() elects one leader and replicates proposals to every node', () => {
    const world = new World({ seed: 1, nodeCount: 3 });
    world.start();
    expect(world.runUntil(1_000).type).toBe('ok');
    const leader = world.leader();
    expect(leader).toBeDefined();
    for (let i = 0; i < 10; i++) world.propose(leader!.id);
    expect(world.runUntil(2_000).type).toBe('ok');
    expect(world.acknowledged.size).toBe(10);
    const applied = world.hosts.map((host) => host.stateMachine.appliedIndex);
    expect(new Set(applied).size).toBe(1);
    expect(applied[0]).toBeGreaterThanOrEqual(10);
  });

  test('the same seed gives the same trace hash; another seed a different one', () => {
    const first = busyRun(42);
    expect(busyRun(42)).toBe(first);
    expect(busyRun(43)).not.toBe(first);
  });

  test('crash() keeps only what was persisted and restart() catches the node up', () => {
    const world = new World({ seed: 3, nodeCount: 3 });
    world.start();
    world.runUntil(1_000);
    const leader = world.leader()!;
    const follower = world.hosts.find((host) => host.id !== leader.id)!;
    for (let i = 0; i < 5; i++) world.propose(leader.id);
    world.runUntil(1_500);
    world.crash(follower.id);
    expect(follower.status).toBe('crashed');
    expect(follower.stateMachine.appliedIndex).toBe(0);
    for (let i = 0; i < 5; i++) world.propose(leader.id);
    world.runUntil(2_000);
    world.restart(follower.id);
    expect(world.runUntil(3_000).type).toBe('ok');
    expect(follower.stateMachine.appliedIndex).toBe(leader.stateMachine.appliedIndex);
    expect(world.acknowledged.size).toBe(10);
  });

  test('pause() holds inbound messages until resume()', () => {
    const world = new World({ seed: 4, nodeCount: 3 });
    world.start();
    world.runUntil(1_000);
    const leader = world.leader()!;
    const follower = world.hosts.find((host) => host.id !== leader.id)!;
    world.pause(follower.id);
    const appliedBefore = follower.stateMachine.appliedIndex;
    for (let i = 0; i < 5; i++) world.propose(leader.id);
    world.runUntil(1_500);
    expect(world.acknowledged.size).toBe(5);
    expect(follower.stateMachine.appliedIndex).toBe(appliedBefore);
    world.resume(follower.id);
    world.runUntil(2_000);
    expect(follower.stateMachine.appliedIndex).toBe(leader.stateMachine.appliedIndex);
  });

  test('runUntil() stops at the processed-events budget', () => {
    const world = new World({ seed: 5, nodeCount: 3, processedEventsMax: 100 });
    world.start();
    expect(world.runUntil(10_000)).toEqual({ type: 'budgetExhausted', processedEvents: 100 });
  });

  test('new World() rejects a configuration that cannot work, naming the field and value', () => {
    expect(() => new World({ seed: 1, nodeIds: [] })).toThrow(
      "Cannot use 'nodeIds' = []: a world needs at least one node",
    );
    expect(() => new World({ seed: 1, nodeCount: 0 })).toThrow("Cannot use 'nodeCount' = 0");
    expect(() => new World({ seed: 1, nodeIds: [1, 2, 2] })).toThrow('node id 2 appears twice');
    expect(() => new World({ seed: 1, electionTicks: 2, heartbeatTicks: 2 })).toThrow(
      "Cannot use 'electionTicks' = 2: it must be greater than 'heartbeatTicks' (current value 2)",
    );
    expect(() => new World({ seed: 1, tickMs: -10 })).toThrow("Cannot use 'tickMs' = -10");
    expect(() => new World({ seed: 1, eventsMax: 0 })).toThrow("Cannot use 'eventsMax' = 0");
    expect(() => new World({ seed: 1, heldMessagesMax: 0 })).toThrow("Cannot use 'heldMessagesMax' = 0");
    expect(() => new World({ seed: -1 })).toThrow("Cannot use 'seed' = -1");
    expect(() => new World({ seed: 1, network: { lossPerMille: -5 } })).toThrow(ConfigError);
  });
});
