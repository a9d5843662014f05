// Sim runs end to end: a register run under partitions and kills is valid and records
// its faults; one seed gives one history hash, another seed another; bad options are
// ConfigErrors naming the field, raised before anything runs.

import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import type { RecordedEvent } from '../workloads/recorder.js';
import { workloads } from '../workloads/registry.js';
import {
  checkSetFinalRead,
  runSimTest,
  type SimTestOptions,
  supportedWorkloads,
  validateSimOptions,
} from './run-sim.js';

const shortRun: SimTestOptions = {
  workload: 'register',
  nemesis: ['partition', 'kill'],
  nodes: 3,
  timeLimitS: 6,
  rate: 100,
  concurrency: 6,
  seed: 7,
  intervalS: 1,
  recoveryS: 2,
};

describe('runSimTest', () => {
  test('`runSimTest()` runs register under partition and kill to a valid verdict with its faults in the history', async () => {
    const result = await runSimTest(shortRun);
    expect(result.results.valid).toBe(true);
    expect(result.opCount).toBeGreaterThan(500);
    const nemesisEvents = result.history.filter((event) => event.process === 'nemesis');
    expect(nemesisEvents.some((event) => event.f.startsWith('start-'))).toBe(true);
    expect(nemesisEvents.at(-1)?.f).toBe('heal');
    // Faults stop before the recovery period: the heal happens at timeLimit - recovery.
    expect(nemesisEvents.at(-1)?.time).toBe(4000);
    expect(result.historyJsonl.split('\n').length - 1).toBe(result.history.length);
  });

  test('`runSimTest()` finds the planted stale-read bug (reads without ReadIndex) under partitions', async () => {
    const options: SimTestOptions = {
      workload: 'register',
      nemesis: ['partition'],
      nodes: 3,
      timeLimitS: 30,
      rate: 200,
      concurrency: 6,
      seed: 1,
    };
    const planted = await runSimTest({ ...options, unsafeLocalReads: true });
    expect(planted.results.valid).toBe(false);
    const sane = await runSimTest(options);
    expect(sane.results.valid).toBe(true);
  });

  test('`runSimTest()` gives the same history hash for one seed and another for a different seed', async () => {
    const first = await runSimTest({ ...shortRun, timeLimitS: 3, recoveryS: 1, seed: 11 });
    const again = await runSimTest({ ...shortRun, timeLimitS: 3, recoveryS: 1, seed: 11 });
    const other = await runSimTest({ ...shortRun, timeLimitS: 3, recoveryS: 1, seed: 12 });
    expect(again.historyHash).toBe(first.historyHash);
    expect(again.historyJsonl).toBe(first.historyJsonl);
    expect(other.historyHash).not.toBe(first.historyHash);
  });
});

/** Seeds tried by the replay property; raise with PROPERTY_RUNS for a nightly run. */
const replayRuns = Number(process.env.PROPERTY_RUNS ?? 3);

describe('runSimTest replay property', () => {
  propertyTest.prop([fc.integer({ min: 0, max: 2 ** 31 - 1 })], { seed: 3, numRuns: replayRuns })(
    '`runSimTest()` under every nemesis reproduces its history hash for any seed',
    async (seed) => {
      const options = {
        ...shortRun,
        nemesis: ['partition', 'kill', 'pause', 'clock'],
        timeLimitS: 3,
        recoveryS: 1,
        intervalS: 0.5,
        seed,
      };
      const first = await runSimTest(options);
      const again = await runSimTest(options);
      expect(again.historyHash).toBe(first.historyHash);
      expect(first.results.valid).not.toBe(false);
    },
  );
});

describe('runSimTest bounds', () => {
  test('`runSimTest()` stops with an error when the run exceeds its simulator event budget', async () => {
    await expect(runSimTest({ ...shortRun, eventsMax: 5_000 })).rejects.toThrow(/eventsMax|eventsPerRunMax/);
  });
});

describe('checkSetFinalRead', () => {
  const event = (process: number, type: RecordedEvent['type'], f: string, value: unknown): RecordedEvent => ({
    index: 0,
    time: 0,
    process,
    type,
    f,
    value,
  });
  const adds = [
    event(0, 'invoke', 'add', 1),
    event(0, 'ok', 'add', 1),
    event(1, 'invoke', 'add', 2),
    event(1, 'info', 'add', 2),
  ];

  test('`checkSetFinalRead()` accepts a read with every acknowledged add, with or without the unknown one', () => {
    expect(
      checkSetFinalRead([...adds, event(0, 'invoke', 'read', null), event(0, 'ok', 'read', [1])]).valid,
    ).toBe(true);
    expect(checkSetFinalRead([...adds, event(0, 'ok', 'read', [1, 2])]).valid).toBe(true);
  });

  test('`checkSetFinalRead()` finds a lost add and an element never added', () => {
    const lost = checkSetFinalRead([...adds, event(0, 'ok', 'read', [2])]);
    expect(lost.valid).toBe(false);
    expect(lost.checkers[0]).toMatchObject({ details: { lost: [1], lostCount: 1 } });
    const unexpected = checkSetFinalRead([...adds, event(0, 'ok', 'read', [1, 9])]);
    expect(unexpected.valid).toBe(false);
    expect(unexpected.checkers[0]).toMatchObject({ details: { unexpected: [9] } });
  });

  test('`checkSetFinalRead()` is unknown without a successful final read', () => {
    expect(checkSetFinalRead(adds).valid).toBe('unknown');
  });

  test('`runSimTest()` runs the set workload under pause and clock to a valid verdict', async () => {
    const result = await runSimTest({ ...shortRun, workload: 'set', nemesis: ['pause', 'clock'] });
    expect(result.results.valid).toBe(true);
    expect(result.results.checkers[0]?.name).toBe('set (final read)');
  });
});

describe('runSimTest with dedicated checkers', () => {
  test.each([
    ['append', 'transactional'],
    ['wr', 'transactional'],
    ['lock', 'lock'],
    ['lock-fencing', 'other'],
    ['watch', 'watch'],
    ['lease', 'other'],
    ['kubernetes', 'watch'],
  ])(
    '`runSimTest()` runs %s under partition and kill to a valid verdict (%s result)',
    async (workload, type) => {
      const result = await runSimTest({ ...shortRun, workload, timeLimitS: 4 });
      expect(result.results.valid).toBe(true);
      const checker = result.results.checkers[0];
      expect(checker?.type).toBe(type);
      if (checker?.type === 'transactional') expect(checker.anomalies).toEqual([]);
    },
  );
});

describe('validateSimOptions', () => {
  const cases: [string, Partial<SimTestOptions>][] = [
    ['workload', { workload: 'nope' }],
    ['nemesis', { nemesis: ['flood'] }],
    ['nodes', { nodes: 2 }],
    ['nodes', { nodes: 4, nemesis: [] }],
    ['seed', { seed: -1 }],
    ['timeLimitS', { timeLimitS: 0 }],
    ['rate', { rate: 1.5 }],
    ['concurrency', { concurrency: 0 }],
    ['recoveryS', { recoveryS: 6 }],
  ];
  test.each(cases)('`validateSimOptions()` names %s for a config that cannot work', (field, change) => {
    let caught: unknown;
    try {
      validateSimOptions({ ...shortRun, ...change });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).field).toBe(field);
  });

  test('`supportedWorkloads()` is every registered workload: each has its checker wired', () => {
    expect(supportedWorkloads()).toEqual([...workloads.keys()]);
  });

  test('`validateSimOptions()` accepts the short run', () => {
    expect(() => validateSimOptions(shortRun)).not.toThrow();
  });
});
