// The kubernetes workload's check: a memory-etcd history (also with lost answers) is
// valid, with its lists compared in full; a list or watch that disagrees with the
// writes is caught.

import { describe, expect, test } from 'vitest';
import { kubernetesWorkload } from './kubernetes.js';
import { checkKubernetesHistory } from './kubernetes-check.js';
import type { RecordedEvent } from './recorder.js';
import { runAgainstMemory } from './testing/run.js';

async function kubernetesHistory(lostPerMille = 0): Promise<RecordedEvent[]> {
  const { history } = await runAgainstMemory(kubernetesWorkload({ keyPrefix: 'k/' }), {
    seed: 9,
    opsMax: 400,
    lostPerMille,
  });
  return [...history];
}

type ListValue = { revision: number; items: Record<string, [number, string]> };

describe('checkKubernetesHistory()', () => {
  test('`checkKubernetesHistory()` finds a memory-etcd history valid, lists checked in full', async () => {
    const result = checkKubernetesHistory(await kubernetesHistory());
    expect(result.valid).toBe(true);
    expect(result.details.listsFullyChecked).toBeGreaterThan(10);
    expect(result.details.watches).toBeGreaterThan(5);
  });

  test('`checkKubernetesHistory()` stays valid when answers are lost', async () => {
    const history = await kubernetesHistory(100);
    expect(history.some((event) => event.type === 'info')).toBe(true);
    expect(checkKubernetesHistory(history).valid).toBe(true);
  });

  test('`checkKubernetesHistory()` catches a list showing a stale value', async () => {
    const history = await kubernetesHistory();
    const index = history.findIndex(
      (event) =>
        event.f === 'list' && event.type === 'ok' && Object.keys((event.value as ListValue).items).length > 0,
    );
    const list = history[index]!.value as ListValue;
    const [key, [modRevision]] = Object.entries(list.items)[0]!;
    const edited = { ...list, items: { ...list.items, [key]: [modRevision, 'stale'] } };
    const result = checkKubernetesHistory(
      history.map((event, i) => (i === index ? { ...event, value: edited } : event)),
    );
    expect(result.valid).toBe(false);
    expect(result.details.listProblemCount).toBeGreaterThan(0);
  });

  test('`checkKubernetesHistory()` catches a watch that dropped an event', async () => {
    const history = await kubernetesHistory();
    const index = history.findIndex(
      (event) =>
        event.f === 'watch' &&
        event.type === 'ok' &&
        (event.value as { events: unknown[] }).events.length > 1,
    );
    const value = history[index]!.value as { events: unknown[] };
    const edited = { ...value, events: value.events.slice(1) };
    const result = checkKubernetesHistory(
      history.map((event, i) => (i === index ? { ...event, value: edited } : event)),
    );
    expect(result.valid).toBe(false);
  });
});
