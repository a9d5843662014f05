// Partitions on worker threads: the verdict and explanation are those of the in-thread
// check for any number of workers, the timeout holds, and the workers are gone afterwards.
// The worker script is bundled from TypeScript with rolldown, as the build would emit it.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkHistory, checkHistoryInWorkers } from './check.js';
import type { History } from './history.js';
import { HistoryBuilder } from './history-builder.js';
import { realCheckerClock } from './real-clock.js';
import { simulateHistory } from './simulate.js';
import { seededRandom } from './test-random.js';

/** Bound on waiting for terminated worker threads to be gone. */
const threadsGoneWaitMs = 5_000;
let directory = '';
let workerUrl: URL;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'etcd-chaos-partition-worker-'));
  const file = join(directory, 'partition-worker.mjs');
  await build({
    input: fileURLToPath(new URL('./partition-worker.ts', import.meta.url)),
    platform: 'node',
    logLevel: 'silent',
    output: { file, format: 'esm' },
  });
  workerUrl = pathToFileURL(file);
}, 60_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/**
 * A kv history over 6 keys where the ok gets of `badKeys` (one each) return a value no
 * put or append produced. The keys also see appends, so the model's cheap stale-read test
 * cannot prove them invalid: only the search finds them, in whichever order it runs.
 */
function kvHistory(seed: number, badKeys: string[]): History {
  const history = simulateHistory(seededRandom(seed), {
    kind: 'kv',
    clients: 8,
    operations: 600,
    keys: 6,
    crashPercent: 2,
    failPercent: 1,
  });
  const spoiled = new Set<string>();
  return history.map((event) => {
    const key = event.key ?? '';
    if (
      badKeys.includes(key) &&
      !spoiled.has(key) &&
      event.type === 'ok' &&
      event.f === 'get' &&
      typeof event.value === 'string' &&
      event.index > history.length / 2
    ) {
      spoiled.add(key);
      return { ...event, value: `${event.value}never-written ` };
    }
    return event;
  });
}

/** Linux lists a process's threads in /proc/self/task: worker threads included. */
function threads(): number {
  return readdirSync('/proc/self/task').length;
}

/**
 * Waits (bounded) until the process has no more threads than `count`: termination finishes
 * in the background. (At most, not exactly: threads of an earlier test may still be going.)
 */
async function threadsDownTo(count: number): Promise<number> {
  const waitStartMs = realCheckerClock.nowMs();
  while (threads() > count && realCheckerClock.nowMs() - waitStartMs < threadsGoneWaitMs) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  return threads();
}

/** The parts of a result that must not depend on scheduling. */
function decided(result: Awaited<ReturnType<typeof checkHistoryInWorkers>>) {
  return {
    valid: result.valid,
    explanation: result.explanation,
    partitions: result.partitions.map((partition) => [partition.name, partition.valid]),
  };
}

describe('checkHistoryInWorkers()', () => {
  test('checkHistoryInWorkers() gives the in-thread verdict and explanation for 1 to 4 workers', async () => {
    for (const [seed, badKeys] of [
      [1, []],
      [2, ['k5']],
      [3, ['k1', 'k4']],
      [4, ['k0', 'k2', 'k3']],
    ] as Array<[number, string[]]>) {
      const history = kvHistory(seed, badKeys);
      const expected = decided(checkHistory(history, { model: 'kv' }));
      expect(expected.valid, `seed ${seed}`).toBe(badKeys.length === 0);
      for (const workers of [1, 2, 3, 4]) {
        // Hand every partition to the workers after a first step here.
        const result = await checkHistoryInWorkers(history, {
          model: 'kv',
          workers,
          inThreadMsMax: 0,
          stepsPerClockCheck: 1,
          clock: realCheckerClock,
          workerUrl,
        });
        expect(decided(result), `seed ${seed}, ${workers} workers`).toEqual(expected);
        expect(result.workerThreads, `seed ${seed}, ${workers} workers`).toBe(
          workers === 1 ? undefined : workers,
        );
      }
    }
  }, 120_000);

  test('checkHistoryInWorkers() explains the first invalid partition in plan order', async () => {
    const history = kvHistory(3, ['k1', 'k4']);
    const threadsBefore = threads();
    const result = await checkHistoryInWorkers(history, {
      model: 'kv',
      workers: 2,
      inThreadMsMax: 0,
      stepsPerClockCheck: 1,
      clock: realCheckerClock,
      workerUrl,
    });
    expect(result.valid).toBe(false);
    expect(result.workerThreads).toBe(2);
    const names = result.partitions.map((partition) => partition.name);
    // Every partition before the explained one finished valid; the explained one is last.
    expect(names.at(-1)).toBe(result.explanation?.partition);
    expect(result.partitions.slice(0, -1).every((partition) => partition.valid === true)).toBe(true);
    // The workers stopped on later partitions are terminated too.
    expect(await threadsDownTo(threadsBefore)).toBeLessThanOrEqual(threadsBefore);
  }, 60_000);

  test('checkHistoryInWorkers() stops at --timeout within 5% and terminates its workers', async () => {
    // Two keys, each with 22 concurrent writes observed by reads and a cas from a value
    // nobody wrote: no linearization, and the search must try every order to know it.
    const builder = new HistoryBuilder();
    for (const key of ['a', 'b']) {
      const base = key === 'a' ? 0 : 1000;
      const writers = 22;
      for (let i = 0; i < writers; i++) builder.invoke(base + i, 'write', { key, value: i });
      for (let i = 0; i < writers; i++) builder.invoke(base + 100 + i, 'read', { key });
      for (let i = 0; i < writers; i++) builder.ok(base + 100 + i, 'read', { key, value: (i * 7) % writers });
      for (let i = 0; i < writers; i++) builder.ok(base + i, 'write', { key, value: i });
      builder
        .invoke(base + 200, 'cas', { key, value: [-1, 5] })
        .ok(base + 200, 'cas', { key, value: [-1, 5] });
    }
    const timeoutMs = 1000;
    const threadsBefore = threads();
    const startMs = realCheckerClock.nowMs();
    const result = await checkHistoryInWorkers(builder.history, {
      model: 'cas-register',
      workers: 2,
      inThreadMsMax: 0,
      workerUrl,
      clock: realCheckerClock,
      timeoutMs,
    });
    const elapsedMs = realCheckerClock.nowMs() - startMs;
    expect(result.workerThreads).toBe(2);
    expect(result.valid).toBe('unknown');
    // Which partition reports the timeout first depends on scheduling.
    expect(result.unknownReason).toMatch(/^timed out after 1000 ms in partition "[ab]"/);
    expect(elapsedMs).toBeGreaterThanOrEqual(timeoutMs);
    expect(elapsedMs).toBeLessThanOrEqual(timeoutMs * 1.05);
    expect(await threadsDownTo(threadsBefore)).toBeLessThanOrEqual(threadsBefore);
  }, 30_000);
});
