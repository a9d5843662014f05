// The nemesis schedule and each nemesis against a recording fake cluster on a manual
// clock: faults toggle per interval (several in force at once, or one at a time), each
// record names its targets, transitions never overlap, unsupported faults are recorded
// and not retried, the schedule ends with every member up and every link healed, the
// same seed gives the same schedule, and a majority ring cuts exactly the non-neighbour
// links.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import type { Clock, TimerHandle } from '../server/ports/clock.js';
import { Xoshiro128 } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { clockNemesis, strobeMsMax } from './clock.js';
import { diskNemesis } from './disk.js';
import { membershipNemesis } from './membership.js';
import type { ClockStrobe, DiskFault, FaultRecord, MemberState, NemesisTarget } from './nemesis.js';
import { UnsupportedFault } from './nemesis.js';
import { oneWayPartitionNemesis } from './one-way-partition.js';
import { partitionNemesis } from './partition.js';
import { nemeses } from './registry.js';
import { NemesisSchedule, parseNemesisNames } from './schedule.js';

const runs = Number(process.env.PROPERTY_RUNS ?? 30);

/** Lets every pending promise continuation run (one macrotask turn). */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Timers in a list, fired in time order by `runAll`, promise continuations drained between. */
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
  /** Resolves after `delayMs` of this clock's time. */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(delayMs, resolve));
  }
  async runAll(timersMax = 10_000): Promise<void> {
    await drainMicrotasks();
    for (let fired = 0; this.timers.length > 0; fired++) {
      expect(fired).toBeLessThan(timersMax);
      this.timers.sort((left, right) => left.atMs - right.atMs || left.order - right.order);
      const timer = this.timers.shift()!;
      this.now = timer.atMs;
      if (!timer.cancelled) timer.callback();
      await drainMicrotasks();
    }
  }
}

class FakeCluster implements NemesisTarget {
  readonly memberIds: NodeId[];
  readonly states = new Map<NodeId, MemberState>();
  readonly blocked = new Set<string>();
  readonly offsets = new Map<NodeId, number>();
  readonly strobes = new Map<NodeId, ClockStrobe>();
  readonly diskFaults = new Map<NodeId, DiskFault>();
  partitioned = false;
  /** Controls running now; the schedule must never have two transitions at once. */
  running = 0;
  runningMax = 0;
  readonly calls: string[] = [];
  constructor(
    size: number,
    private readonly options: { clock?: ManualClock; callMs?: number; clockUnsupported?: boolean } = {},
  ) {
    this.memberIds = Array.from({ length: size }, (_, index) => index + 1);
    for (const id of this.memberIds) this.states.set(id, 'up');
  }
  /** Every control takes `callMs` of clock time when a clock is given, like a remote call. */
  private async control(call: string, action: () => void): Promise<void> {
    this.running++;
    this.runningMax = Math.max(this.runningMax, this.running);
    this.calls.push(call);
    if (this.options.clock !== undefined) await this.options.clock.sleep(this.options.callMs ?? 0);
    action();
    this.running--;
  }
  async leader(): Promise<NodeId | undefined> {
    return this.memberIds.find((id) => this.states.get(id) === 'up');
  }
  async stateOf(id: NodeId): Promise<MemberState> {
    return this.states.get(id)!;
  }
  crash(id: NodeId): Promise<void> {
    return this.control(`crash ${id}`, () => this.states.set(id, 'down'));
  }
  restart(id: NodeId): Promise<void> {
    return this.control(`restart ${id}`, () => {
      expect(this.states.get(id)).toBe('down');
      this.states.set(id, 'up');
    });
  }
  pause(id: NodeId): Promise<void> {
    return this.control(`pause ${id}`, () => {
      if (this.states.get(id) === 'up') this.states.set(id, 'paused');
    });
  }
  resume(id: NodeId): Promise<void> {
    return this.control(`resume ${id}`, () => {
      if (this.states.get(id) === 'paused') this.states.set(id, 'up');
    });
  }
  partition(groups: readonly (readonly NodeId[])[]): Promise<void> {
    return this.control('partition', () => {
      expect(groups.flat().sort()).toEqual(this.memberIds);
      this.partitioned = true;
    });
  }
  blockLink(from: NodeId, to: NodeId): Promise<void> {
    return this.control(`block ${from}->${to}`, () => this.blocked.add(`${from}->${to}`));
  }
  heal(): Promise<void> {
    return this.control('heal', () => {
      this.partitioned = false;
      this.blocked.clear();
    });
  }
  async clockOffset(id: NodeId, deltaMs: number): Promise<void> {
    if (this.options.clockUnsupported) throw new UnsupportedFault('clock', 'this fake has no clock control');
    return this.control(`clock ${id}`, () => this.offsets.set(id, (this.offsets.get(id) ?? 0) + deltaMs));
  }
  async clockStrobe(id: NodeId, strobe: ClockStrobe): Promise<void> {
    if (this.options.clockUnsupported) throw new UnsupportedFault('clock', 'this fake has no clock control');
    return this.control(`strobe ${id}`, () => this.strobes.set(id, strobe));
  }
  diskFault(id: NodeId, fault: DiskFault): Promise<void> {
    return this.control(`disk ${id}`, () => {
      this.diskFaults.set(id, fault);
      if (fault.type === 'fail-fsync') this.states.set(id, 'down');
    });
  }
  clearDiskFault(id: NodeId): Promise<void> {
    return this.control(`clear-disk ${id}`, () => this.diskFaults.delete(id));
  }
  removeMember(id: NodeId): Promise<void> {
    return this.control(`remove ${id}`, () => {
      expect([...this.states.values()].filter((state) => state === 'removed')).toEqual([]);
      this.states.set(id, 'removed');
    });
  }
  addMember(id: NodeId): Promise<void> {
    return this.control(`add ${id}`, () => {
      expect(this.states.get(id)).toBe('removed');
      this.states.set(id, 'up');
      this.diskFaults.delete(id);
    });
  }
}

const allNames = ['partition', 'partition-one-way', 'kill', 'pause', 'clock', 'disk', 'membership'];

async function runSchedule(
  seed: number,
  names: string[],
  options: { size: number; overlapping?: boolean; callMs?: number; clockUnsupported?: boolean },
) {
  const clock = new ManualClock();
  const cluster = new FakeCluster(options.size, {
    clock,
    callMs: options.callMs ?? 0,
    clockUnsupported: options.clockUnsupported ?? false,
  });
  const records: (FaultRecord & { timeMs: number })[] = [];
  const schedule = new NemesisSchedule({
    target: cluster,
    nemeses: names.map((name) => nemeses.get(name)!.create()),
    clock,
    random: new Xoshiro128(seed),
    intervalMs: 1000,
    faultWindowMs: 20_000,
    ...(options.overlapping === undefined ? {} : { overlapping: options.overlapping }),
    note: (record) => records.push({ ...record, timeMs: clock.nowMs() }),
  });
  schedule.start();
  await clock.runAll();
  return { cluster, records, schedule };
}

function expectHealed(cluster: FakeCluster, schedule: NemesisSchedule): void {
  expect(schedule.isHealed).toBe(true);
  expect(schedule.inForce).toEqual([]);
  expect([...cluster.states.values()].every((state) => state === 'up')).toBe(true);
  expect(cluster.partitioned).toBe(false);
  expect(cluster.blocked.size).toBe(0);
  expect([...cluster.offsets.values()].every((offset) => offset === 0)).toBe(true);
  expect(cluster.diskFaults.size).toBe(0);
}

describe('NemesisSchedule', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.constantFrom(3, 5)], { seed: 1, numRuns: runs })(
    '`NemesisSchedule` toggles one drawn fault per interval, pairs every start with a stop, and ends healed',
    async (seed, size) => {
      const { cluster, records, schedule } = await runSchedule(seed, allNames, { size });
      expect(records.at(-1)?.f).toBe('heal');
      expect(records.at(-1)?.timeMs).toBe(20_000);
      const open = new Set<string>();
      for (const record of records.slice(0, -1)) {
        expect(record.f, JSON.stringify(record.value)).toMatch(/^(start|stop)-/);
        const name = record.f.replace(/^(start|stop)-/, '');
        if (record.f.startsWith('start-')) {
          expect(open.has(name)).toBe(false);
          open.add(name);
        } else {
          expect(open.has(name)).toBe(true);
          open.delete(name);
        }
      }
      expect(open.size).toBe(0);
      expect(schedule.faults).toBe(records.filter((record) => record.f.startsWith('start-')).length);
      expectHealed(cluster, schedule);
    },
  );

  test('`NemesisSchedule` keeps several composed faults in force at once by default', async () => {
    let overlaps = 0;
    for (let seed = 0; seed < 10; seed++) {
      const { records } = await runSchedule(seed, ['partition', 'kill', 'pause'], { size: 5 });
      let inForce = 0;
      for (const record of records) {
        if (record.f.startsWith('start-')) inForce++;
        if (record.f.startsWith('stop-')) inForce--;
        if (inForce >= 2) overlaps++;
      }
    }
    expect(overlaps).toBeGreaterThan(0);
  });

  test('`NemesisSchedule` never keeps two nemeses on the same resource in force together', async () => {
    for (let seed = 0; seed < 20; seed++) {
      const { records } = await runSchedule(seed, ['partition', 'partition-one-way', 'kill'], { size: 3 });
      const open = new Set<string>();
      for (const record of records) {
        const name = record.f.replace(/^(start|stop)-/, '');
        if (record.f.startsWith('start-')) open.add(name);
        if (record.f.startsWith('stop-')) open.delete(name);
        expect(open.has('partition') && open.has('partition-one-way')).toBe(false);
      }
    }
  });

  test('`NemesisSchedule` with overlapping false alternates start and stop each interval', async () => {
    const { cluster, records, schedule } = await runSchedule(7, allNames, { size: 5, overlapping: false });
    const faults = records.slice(0, -1);
    expect(faults.length).toBeGreaterThan(0);
    faults.forEach((record, index) => {
      expect(record.f.startsWith(index % 2 === 0 ? 'start-' : 'stop-')).toBe(true);
      if (index % 2 === 1) expect(record.f.slice(5)).toBe(faults[index - 1]!.f.slice(6));
      expect(record.timeMs).toBe((index + 1) * 1000);
    });
    expectHealed(cluster, schedule);
  });

  test('`NemesisSchedule` runs one transition at a time and sets the next timer after it finished', async () => {
    // Every control takes 700 ms: a transition with several calls outlasts the 1 s interval.
    const { cluster, records, schedule } = await runSchedule(3, ['partition', 'kill', 'pause', 'clock'], {
      size: 5,
      callMs: 700,
    });
    expect(cluster.runningMax).toBe(1);
    // The final heal (from 20 s) stops faults back to back; the interval rules transitions.
    const faults = records.filter((record) => record.f !== 'heal' && record.timeMs < 20_000);
    expect(faults.length).toBeGreaterThan(3);
    for (let i = 1; i < faults.length; i++) {
      expect(faults[i]!.timeMs - faults[i - 1]!.timeMs).toBeGreaterThanOrEqual(1000);
    }
    expect(records.at(-1)?.f).toBe('heal');
    expectHealed(cluster, schedule);
  });

  test('`NemesisSchedule` records an unsupported fault once and never draws it again', async () => {
    const { cluster, records, schedule } = await runSchedule(5, ['clock', 'kill'], {
      size: 3,
      clockUnsupported: true,
    });
    const unsupported = records.filter((record) => record.f === 'unsupported');
    expect(unsupported).toHaveLength(1);
    expect(unsupported[0]!.value).toMatchObject({ nemesis: 'clock', fault: 'clock' });
    expect(records.some((record) => record.f === 'start-clock')).toBe(false);
    expect(records.some((record) => record.f === 'start-kill')).toBe(true);
    expect(cluster.offsets.size).toBe(0);
    expectHealed(cluster, schedule);
  });

  test('`NemesisSchedule` final heal adds a removed member back after restarting crashed ones', async () => {
    for (let seed = 0; seed < 100; seed++) {
      // 19 toggles leave an odd number in force: with three nemeses, sometimes all three.
      const { cluster, records, schedule } = await runSchedule(seed, ['membership', 'kill', 'clock'], {
        size: 3,
      });
      expectHealed(cluster, schedule);
      const atHeal = records.filter((record) => record.timeMs === 20_000);
      const killStop = atHeal.findIndex(
        (record) => record.f === 'stop-kill' && (record.value as { nodes: NodeId[] }).nodes.length > 0,
      );
      const membershipStop = atHeal.findIndex(
        (record) => record.f === 'stop-membership' && (record.value as { add: NodeId | null }).add !== null,
      );
      if (killStop < 0 || membershipStop < 0) continue;
      // Both were in force at the heal: the member is added back only after the restarts.
      expect(membershipStop).toBeGreaterThan(killStop);
      const lastAdd = cluster.calls.findLastIndex((call) => call.startsWith('add'));
      const lastRestart = cluster.calls.findLastIndex((call) => call.startsWith('restart'));
      expect(lastAdd).toBeGreaterThan(lastRestart);
      expect(atHeal.at(-1)?.f).toBe('heal');
      return;
    }
    throw new Error('no seed below 100 left membership and kill in force at the final heal');
  });

  test.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { seed: 2, numRuns: runs })(
    '`NemesisSchedule` draws the same faults and targets from the same seed',
    async (seed) => {
      const first = (await runSchedule(seed, allNames, { size: 5 })).records;
      const again = (await runSchedule(seed, allNames, { size: 5 })).records;
      expect(again).toEqual(first);
    },
  );

  test('`NemesisSchedule.cancel()` lets the control in progress finish and runs no other, heal included', async () => {
    const clock = new ManualClock();
    const cluster = new FakeCluster(5, { clock, callMs: 300 });
    const records: FaultRecord[] = [];
    const schedule = new NemesisSchedule({
      target: cluster,
      nemeses: ['partition', 'kill', 'pause'].map((name) => nemeses.get(name)!.create()),
      clock,
      random: new Xoshiro128(4),
      intervalMs: 1000,
      faultWindowMs: 20_000,
      note: (record) => records.push(record),
    });
    schedule.start();
    // Cancel during the first transition's first control (it starts at 1 s and takes 300 ms).
    clock.setTimer(1_100, () => {
      void schedule.cancel();
    });
    await clock.runAll();
    expect(cluster.calls.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(1);
    expect(records.map((record) => record.f)).not.toContain('heal');
    expect(schedule.isHealed).toBe(false);
  });

  test('`NemesisSchedule` with no nemeses records nothing', async () => {
    expect((await runSchedule(1, [], { size: 3 })).records).toEqual([]);
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
  test('`partitionNemesis()` majority ring on 5 members cuts exactly the non-neighbour links both ways', async () => {
    for (let seed = 0; seed < 200; seed++) {
      const cluster = new FakeCluster(5);
      const record = await partitionNemesis().start(cluster, new Xoshiro128(seed));
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

  test('`partitionNemesis()` on 3 members draws halves, an isolated leader or a one-way cut, never a ring', async () => {
    const modes = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const record = await partitionNemesis().start(new FakeCluster(3), new Xoshiro128(seed));
      expect(record.f).toBe('start-partition');
      modes.add((record.value as { mode: string }).mode);
    }
    expect([...modes].sort()).toEqual(['halves', 'isolate-leader', 'one-way-deaf', 'one-way-mute']);
  });

  test('`oneWayPartitionNemesis()` cuts one direction of every link of one member', async () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const cluster = new FakeCluster(5);
      const record = await oneWayPartitionNemesis().start(cluster, new Xoshiro128(seed));
      const value = record.value as { mode: string; node: NodeId };
      seen.add(value.mode);
      const others = cluster.memberIds.filter((id) => id !== value.node);
      const expected = others.map((peer) =>
        value.mode === 'one-way-deaf' ? `${peer}->${value.node}` : `${value.node}->${peer}`,
      );
      expect([...cluster.blocked].sort()).toEqual(expected.sort());
      await oneWayPartitionNemesis().stop(cluster, new Xoshiro128(seed));
      expect(cluster.blocked.size).toBe(0);
    }
    expect([...seen].sort()).toEqual(['one-way-deaf', 'one-way-mute']);
  });
});

describe('diskNemesis', () => {
  test('`diskNemesis()` draws every fault kind and its stop clears them and restarts members a failed fsync stopped', async () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const cluster = new FakeCluster(3);
      const nemesis = diskNemesis();
      const started = await nemesis.start(cluster, new Xoshiro128(seed));
      const value = started.value as { nodes: NodeId[]; fault: DiskFault };
      kinds.add(value.fault.type);
      expect(value.nodes.length).toBeGreaterThan(0);
      expect([...cluster.diskFaults.keys()]).toEqual(value.nodes);
      const stopped = await nemesis.stop(cluster, new Xoshiro128(seed));
      expect(stopped.f).toBe('stop-disk');
      expect(cluster.diskFaults.size).toBe(0);
      expect([...cluster.states.values()].every((state) => state === 'up')).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['fail-fsync', 'fsync-spikes', 'slow-fsync']);
  });
});

describe('clockNemesis', () => {
  test('`clockNemesis()` draws bumps it undoes on stop and strobes that end by themselves', async () => {
    const kinds = new Set<string>();
    for (let seed = 0; seed < 30; seed++) {
      const cluster = new FakeCluster(5);
      const nemesis = clockNemesis();
      const started = await nemesis.start(cluster, new Xoshiro128(seed));
      const value = started.value as { strobe?: ClockStrobe; nodes?: NodeId[] };
      if (value.strobe !== undefined) {
        kinds.add('strobe');
        expect(value.strobe.durationMs).toBeLessThanOrEqual(strobeMsMax);
        expect(value.strobe.periodMs).toBeLessThan(value.strobe.durationMs);
        expect([...cluster.strobes.keys()]).toEqual(value.nodes);
        expect(cluster.offsets.size).toBe(0);
      } else {
        kinds.add('bump');
        expect(cluster.offsets.size).toBeGreaterThan(0);
      }
      await nemesis.stop(cluster, new Xoshiro128(seed));
      expect([...cluster.offsets.values()].every((offset) => offset === 0)).toBe(true);
    }
    expect([...kinds].sort()).toEqual(['bump', 'strobe']);
  });
});

describe('membershipNemesis', () => {
  test('`membershipNemesis()` removes one member that is up and adds the same slot back', async () => {
    for (let seed = 0; seed < 10; seed++) {
      const cluster = new FakeCluster(5);
      cluster.states.set(1, 'down');
      const nemesis = membershipNemesis();
      const started = await nemesis.start(cluster, new Xoshiro128(seed));
      const removed = (started.value as { remove: NodeId }).remove;
      expect(removed).not.toBe(1);
      expect([...cluster.states.values()].filter((state) => state === 'removed')).toHaveLength(1);
      expect(cluster.states.get(removed)).toBe('removed');
      const stopped = await nemesis.stop(cluster, new Xoshiro128(seed));
      expect(stopped.value).toEqual({ add: removed });
      expect(cluster.states.get(removed)).toBe('up');
    }
  });
});
