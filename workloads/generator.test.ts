import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { ManualClock } from '../server/ports/testing/manual-clock.js';
import { runGenerator } from './generator.js';
import { registerWorkload } from './register.js';
import { runAgainstMemory } from './testing/run.js';

const runs = Number(process.env.WORKLOADS_PROPERTY_RUNS ?? 20);
const invokes = (history: readonly { type: string; f: string; key?: string; value?: unknown }[]) =>
  history.filter((event) => event.type === 'invoke').map(({ f, key, value }) => ({ f, key, value }));

describe('runGenerator()', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 31 })], { numRuns: runs, seed: 7 })(
    'runGenerator() gives the same history for the same seed',
    async (seed) => {
      const first = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), { seed, opsMax: 40 });
      const second = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), { seed, opsMax: 40 });
      expect(second.history).toEqual(first.history);
      expect(invokes(first.history)).toHaveLength(40);
    },
  );

  test('runGenerator() draws different ops for different seeds', async () => {
    const first = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), { seed: 1, opsMax: 30 });
    const second = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), { seed: 2, opsMax: 30 });
    expect(invokes(second.history)).not.toEqual(invokes(first.history));
  });

  test.prop([fc.integer({ min: 1, max: 8 }), fc.integer({ min: 10, max: 500 })], { numRuns: runs, seed: 11 })(
    'runGenerator() keeps at most concurrency ops open and starts no more than the rate allows',
    async (concurrency, rateOpsPerSecond) => {
      const { history } = await runAgainstMemory(registerWorkload({ keyPrefix: 'p/' }), {
        seed: 3,
        opsMax: 60,
        concurrency,
        rateOpsPerSecond,
      });
      let open = 0;
      for (const event of history) {
        open += event.type === 'invoke' ? 1 : -1;
        expect(open).toBeLessThanOrEqual(concurrency);
      }
      for (const event of history.filter((e) => e.type === 'invoke')) {
        const startedBy = history.filter((e) => e.type === 'invoke' && e.time <= event.time).length;
        // Slot k starts at floor(k * 1000 / rate) ms, so by time t at most ceil((t + 1) * rate / 1000) have started.
        expect(startedBy).toBeLessThanOrEqual(Math.ceil(((event.time + 1) * rateOpsPerSecond) / 1000));
      }
    },
  );

  test('runGenerator() stops starting ops at the time limit', async () => {
    const clock = new ManualClock();
    const { MemoryEtcd } = await import('./testing/memory-etcd.js');
    const { InProcessClient } = await import('./in-process-client.js');
    const client = new InProcessClient(new MemoryEtcd({ clock }), { clock });
    const result = await clock.drive(
      runGenerator(registerWorkload({ keyPrefix: '' }), {
        clock,
        random: new Xoshiro128(5),
        clients: [client],
        rateOpsPerSecond: 100,
        timeLimitMs: 1000,
      }),
    );
    expect(result.opCount).toBe(100);
    expect(Math.max(...result.history.map((event) => event.time))).toBeLessThan(1000);
  });

  test('runGenerator() stops starting ops at the time limit when ops are slower than the rate', async () => {
    const clock = new ManualClock();
    const { InProcessClient } = await import('./in-process-client.js');
    const { MemoryEtcd } = await import('./testing/memory-etcd.js');
    const { sleep } = await import('./workload.js');
    const register = registerWorkload({ keyPrefix: '' });
    // Every op takes 500 ms, far slower than the 100 ops/s rate's 10 ms slots.
    const slow = {
      ...register,
      invoke: async () => {
        await sleep(clock, 500);
        return { type: 'ok' as const };
      },
    };
    const result = await clock.drive(
      runGenerator(slow, {
        clock,
        random: new Xoshiro128(5),
        clients: [new InProcessClient(new MemoryEtcd({ clock }), { clock })],
        concurrency: 1,
        rateOpsPerSecond: 100,
        timeLimitMs: 1000,
      }),
    );
    expect(result.opCount).toBe(2);
    const invokeTimes = result.history.filter((event) => event.type === 'invoke').map((event) => event.time);
    expect(Math.max(...invokeTimes)).toBeLessThan(1000);
  });

  test('runGenerator() rejects a zero rate with a ConfigError naming the field', async () => {
    const clock = new ManualClock();
    await expect(
      runGenerator(registerWorkload({ keyPrefix: '' }), {
        clock,
        random: new Xoshiro128(1),
        clients: [],
      }),
    ).rejects.toThrow(ConfigError);
    await expect(
      runGenerator(registerWorkload({ keyPrefix: '' }), {
        clock,
        random: new Xoshiro128(1),
        clients: [{} as never],
        rateOpsPerSecond: 0,
      }),
    ).rejects.toThrow(/rateOpsPerSecond/);
  });
});

describe('runGenerator() errors', () => {
  test('runGenerator() records a timed-out write as info and a failed read as fail', async () => {
    const clock = new ManualClock();
    const { InProcessClient } = await import('./in-process-client.js');
    const silent = new Promise<never>(() => undefined);
    const hanging = { range: () => silent, put: () => silent } as never;
    const client = new InProcessClient(hanging, { clock });
    const workload = {
      ...registerWorkload({ keyPrefix: '' }),
      next: (() => {
        let n = 0;
        return () =>
          n++ === 0 ? { f: 'write', key: 'r0', value: 1 } : { f: 'read', key: 'r0', value: null };
      })(),
    };
    const { history } = await clock.drive(
      runGenerator(workload, {
        clock,
        random: new Xoshiro128(1),
        clients: [client],
        concurrency: 1,
        opsMax: 2,
        requestTimeoutMs: 100,
      }),
    );
    expect(history.map((event) => [event.process, event.type, event.f])).toEqual([
      [0, 'invoke', 'write'],
      [0, 'info', 'write'],
      [1, 'invoke', 'read'],
      [1, 'fail', 'read'],
    ]);
  });

  test('runGenerator() lets a bug in a workload escape instead of recording it', async () => {
    const clock = new ManualClock();
    const { InProcessClient } = await import('./in-process-client.js');
    const { MemoryEtcd } = await import('./testing/memory-etcd.js');
    const client = new InProcessClient(new MemoryEtcd({ clock }), { clock });
    const workload = {
      ...registerWorkload({ keyPrefix: '' }),
      invoke: async () => {
        throw new TypeError('bug');
      },
    };
    await expect(
      clock.drive(runGenerator(workload, { clock, random: new Xoshiro128(1), clients: [client], opsMax: 1 })),
    ).rejects.toThrow('bug');
  });
});
