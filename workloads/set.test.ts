import { describe, expect, test } from 'vitest';
import { checkHistory } from '../checker/index.js';
import { setWorkload } from './set.js';
import { runAgainstMemory } from './testing/run.js';

describe('setWorkload()', () => {
  test('setWorkload() adds unique elements and ends with a final read the set checker accepts', async () => {
    const { history } = await runAgainstMemory(setWorkload({ keyPrefix: 's/' }), { seed: 9, opsMax: 50 });
    const last = history.at(-1);
    expect(last).toMatchObject({ type: 'ok', f: 'read' });
    expect(last?.value).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(checkHistory([...history], { model: 'set' }).valid).toBe(true);
  });

  test('setWorkload() with lost answers records info adds and stays valid', async () => {
    const { history } = await runAgainstMemory(setWorkload({ keyPrefix: 's/' }), {
      seed: 4,
      opsMax: 60,
      lostPerMille: 100,
    });
    expect(history.some((event) => event.type === 'info' && event.f === 'add')).toBe(true);
    expect(checkHistory([...history], { model: 'set' }).valid).toBe(true);
  });

  test('setWorkload() final read missing an acknowledged add is found invalid', async () => {
    const { history } = await runAgainstMemory(setWorkload({ keyPrefix: 's/' }), { seed: 9, opsMax: 10 });
    const lost = history.map((event) =>
      event.f === 'read' && event.type === 'ok'
        ? { ...event, value: (event.value as number[]).slice(1) }
        : event,
    );
    expect(checkHistory(lost, { model: 'set' }).valid).toBe(false);
  });
});
