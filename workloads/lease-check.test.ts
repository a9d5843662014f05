// The lease workload's check: a memory-etcd lease history (leases expiring on a manual
// clock) is valid; a key vanishing while its lease lives, or outliving its lease, is
// caught; windows with faults are not judged.

import { describe, expect, test } from 'vitest';
import { leaseWorkload } from './lease.js';
import { checkLeaseHistory, faultIntervals } from './lease-check.js';
import type { RecordedEvent } from './recorder.js';
import { runAgainstMemory } from './testing/run.js';

async function leaseHistory(): Promise<RecordedEvent[]> {
  const { history } = await runAgainstMemory(leaseWorkload({ keyPrefix: 'e/' }), {
    seed: 21,
    opsMax: 400,
    rateOpsPerSecond: 20,
  });
  return [...history];
}

/** The completion of the first ok read that `pick` accepts, replaced by `value`. */
function replaceRead(
  history: readonly RecordedEvent[],
  pick: (event: RecordedEvent) => boolean,
  value: number | null,
): RecordedEvent[] {
  const index = history.findIndex((event) => event.f === 'read' && event.type === 'ok' && pick(event));
  expect(index).toBeGreaterThanOrEqual(0);
  return history.map((event, i) => (i === index ? { ...event, value } : event));
}

describe('checkLeaseHistory()', () => {
  test('`checkLeaseHistory()` finds a memory-etcd lease history valid and judges its reads', async () => {
    const result = checkLeaseHistory(await leaseHistory());
    expect(result.valid).toBe(true);
    expect(result.details.readsJudgedAlive).toBeGreaterThan(5);
  });

  test('`checkLeaseHistory()` catches a key missing while its lease lives', async () => {
    const history = replaceRead(await leaseHistory(), (event) => typeof event.value === 'string', null);
    const result = checkLeaseHistory(history);
    expect(result.valid).toBe(false);
    expect(String((result.details.problems as string[])[0])).toContain('saw no key');
  });

  test('`checkLeaseHistory()` catches a key outliving its lease by more than TTL and grace', async () => {
    const history = await leaseHistory();
    const grants = history.filter((event) => event.f === 'grant' && event.type === 'ok');
    const { lease } = grants[0]!.value as { lease: string };
    const key = grants[0]!.key!;
    const end = history.at(-1)!.time + 60_000;
    // A late read of the first key, long after anything could have renewed it.
    const process = 99;
    const late: RecordedEvent[] = [
      { index: history.length, time: end, process, type: 'invoke', f: 'read', key },
      { index: history.length + 1, time: end + 1, process, type: 'ok', f: 'read', key, value: lease },
    ];
    const result = checkLeaseHistory([...history, ...late]);
    expect(result.valid).toBe(false);
    expect(String((result.details.problems as string[]).at(-1))).toContain('still saw lease');
  });

  test('`faultIntervals()` spans start to stop or heal, overlapping faults counted', () => {
    const nemesis = (time: number, f: string): RecordedEvent => ({
      index: time,
      time,
      process: 'nemesis',
      type: 'info',
      f,
    });
    const history = [
      nemesis(10, 'start-partition'),
      nemesis(20, 'start-kill'),
      nemesis(30, 'stop-partition'),
      nemesis(40, 'stop-kill'),
      nemesis(50, 'start-clock'),
      nemesis(60, 'heal'),
    ];
    expect(faultIntervals(history, () => true)).toEqual([
      { startMs: 10, endMs: 40 },
      { startMs: 50, endMs: 60 },
    ]);
    expect(faultIntervals(history, (name) => name !== 'partition' && name !== 'clock')).toEqual([
      { startMs: 20, endMs: 40 },
    ]);
  });
});
