// The nemesis schedule and each nemesis against a recording fake cluster on a manual
// clock: faults alternate start/stop per interval, each record names its targets, the
// schedule ends with every member up and every link healed, the same seed gives the
// same schedule, and a majority ring cuts exactly the non-neighbour links.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import { Xoshiro128 } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import type { FaultRecord, MemberState, NemesisTarget } from './nemesis.js';
import { partitionNemesis } from './partition.js';
import { nemeses } from './registry.js';
import { NemesisSchedule, parseNemesisNames } from './schedule.js';

const runs = Number(process.env.PROPERTY_RUNS ?? 50);

/** Timers in a list, fired in time order by `runAll`. */
class ManualClock implements Clock {
  private now = 0;
  private timers: { atMs: number; order: number; callback: () => void; cancelled: boolean }[] = [];
  private order = 0;
  nowMs(): number {
    return this.now;
  }
  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const timer = { atMs: this.now + delayMs, order: this.order++, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  runAll(timersMax = 10_000): void {
    for (let fired = 0; this.timers.length > 0; fired++) {
      expect(fired).toBeLessThan(timersMax);
      this.timers.sort((left, right) => left.atMs - right.atMs || left.order - right.order);
      const timer = this.timers.shift()!;
      this.now = timer.atMs;
      if (!timer.cancelled) timer.callback();
    }
  }
}

class FakeCluster implements NemesisTarget {
  readonly memberIds: NodeId[];
  readonly states = new Map<NodeId, MemberState>();
  readonly blocked = new Set<string>();
  readonly offsets = new Map<NodeId, number>();
  partitioned = false;
  constructor(size: number) {
    this.memberIds = Array.from({ length: size }, (_, index) => index + 1);
    for (const id of this.memberIds) this.states.set(id, 'up');
  }
  leader(): NodeId | undefined {
    return this.memberIds.find((id) => this.states.get(id) === 'up');
  }
  stateOf(id: NodeId): MemberState {
    return this.states.get(id)!;
  }
  crash(id: NodeId): void {
    this.states.set(id, 'down');
  }
  restart(id: NodeId): void {
    expect(this.states.get(id)).toBe('down');
    this.states.set(id, 'up');
  }
  pause(id: NodeId): void {
    if (this.states.get(id) === 'up') this.states.set(id, 'paused');
  }
  resume(id: NodeId): void {
    if (this.states.get(id) === 'paused') this.states.set(id, 'up');
  }
  partition(groups: readonly (readonly NodeId[])[]): void {
    expect(groups.flat().sort()).toEqual(this.memberIds);
    this.partitioned = true;
  }
  blockLink(from: NodeId, to: NodeId): void {
    this.blocked.add(`${from}->${to}`);
  }
  heal(): void {
    this.partitioned = false;
    this.blocked.clear();
  }
  clockOffset(id: NodeId, deltaMs: number): void {
    this.offsets.set(id, (this.offsets.get(id) ?? 0) + deltaMs);
  }
}

function runSchedule(seed: number, names: string[], size: number) {
  const clock = new ManualClock();
  const cluster = new FakeCluster(size);
  const records: (FaultRecord & { timeMs: number })[] = [];
  const schedule = new NemesisSchedule({
    target: cluster,
    nemeses: names.map((name) => nemeses.get(name)!.create()),
    clock,
    random: new Xoshiro128(seed),
    intervalMs: 1000,
    faultWindowMs: 20_000,
    note: (record) => records.push({ ...record, timeMs: clock.nowMs() }),
  });
  schedule.start();
  clock.runAll();
  return { cluster, records, schedule };
}

describe('NemesisSchedule', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(3, 5)], { seed: 1, numRuns: runs })(
    '`NemesisSchedule` alternates start and stop each interval and ends healed with every member up',
    (seed, size) => {
      const { cluster, records, schedule } = runSchedule(seed, ['partition', 'kill', 'pause', 'clock'], size);
      expect(records.at(-1)?.f).toBe('heal');
      expect(records.at(-1)?.timeMs).toBe(20_000);
      const faults = records.slice(0, -1);
      expect(faults.length).toBeGreaterThan(0);
      faults.forEach((record, index) => {
        expect(record.f.startsWith(index % 2 === 0 ? 'start-' : 'stop-')).toBe(true);
        if (index % 2 === 1) expect(record.f.slice(5)).toBe(faults[index - 1]!.f.slice(6));
        expect(record.timeMs).toBe((index + 1) * 1000);
      });
      expect(schedule.faults).toBe(Math.ceil(faults.length / 2));
      expect(schedule.isHealed).toBe(true);
      expect([...cluster.states.values()].every((state) => state === 'up')).toBe(true);
      expect(cluster.partitioned).toBe(false);
      expect(cluster.blocked.size).toBe(0);
      expect([...cluster.offsets.values()].every((offset) => offset === 0)).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { seed: 2, numRuns: runs })(
    '`NemesisSchedule` draws the same faults and targets from the same seed',
    (seed) => {
      const first = runSchedule(seed, ['partition', 'kill', 'pause', 'clock'], 5).records;
      const again = runSchedule(seed, ['partition', 'kill', 'pause', 'clock'], 5).records;
      expect(again).toEqual(first);
    },
  );

  test('`NemesisSchedule` with no nemeses records nothing', () => {
    expect(runSchedule(1, [], 3).records).toEqual([]);
  });

  test('`NemesisSchedule` rejects an interval that is not a positive integer', () => {
    expect(
      () =>
        new NemesisSchedule({
          target: new FakeCluster(3),
          nemeses: [],
          clock: new ManualClock(),
          random: new Xoshiro128(1),
          intervalMs: 0,
          faultWindowMs: 1000,
          note: () => {},
        }),
    ).toThrow(ConfigError);
  });

  test('`parseNemesisNames()` splits, trims, drops none and repeats', () => {
    expect(parseNemesisNames(' partition, kill,partition,none,')).toEqual(['partition', 'kill']);
    expect(parseNemesisNames('none')).toEqual([]);
  });
});

describe('partitionNemesis', () => {
  test('`partitionNemesis()` majority ring on 5 members cuts exactly the non-neighbour links both ways', () => {
    for (let seed = 0; seed < 200; seed++) {
      const cluster = new FakeCluster(5);
      const record = partitionNemesis().start(cluster, new Xoshiro128(seed));
      const value = record.value as { mode: string; ring?: NodeId[] };
      if (value.mode !== 'majority-ring') continue;
      const ring = value.ring!;
      expect([...ring].sort()).toEqual(cluster.memberIds);
      // 5 members, each with 2 neighbours: 10 - 5 = 5 cut pairs, 10 directed links.
      expect(cluster.blocked.size).toBe(10);
      for (let i = 0; i < 5; i++) {
        const next = ring[(i + 1) % 5]!;
        expect(cluster.blocked.has(`${ring[i]}->${next}`)).toBe(false);
        expect(cluster.blocked.has(`${next}->${ring[i]}`)).toBe(false);
      }
      return;
    }
    throw new Error('no seed below 200 drew a majority ring');
  });

  test('`partitionNemesis()` on 3 members draws halves or an isolated leader, never a ring', () => {
    const modes = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const record = partitionNemesis().start(new FakeCluster(3), new Xoshiro128(seed));
      expect(record.f).toBe('start-partition');
      modes.add((record.value as { mode: string }).mode);
    }
    expect([...modes].sort()).toEqual(['halves', 'isolate-leader']);
  });
});
