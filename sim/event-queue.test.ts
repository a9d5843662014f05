import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  test('runNext() runs events by time, then by scheduling order', () => {
    const queue = new EventQueue();
    const order: string[] = [];
    queue.schedule(5, () => order.push('b'));
    queue.schedule(1, () => order.push('a'));
    queue.schedule(5, () => order.push('c'));
    queue.schedule(3, () => order.push('x'));
    while (queue.runNext()) {}
    expect(order).toEqual(['a', 'x', 'b', 'c']);
    expect(queue.nowMs()).toBe(5);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 })], { seed: 7 })(
    'runNext() pops any schedule in (time, sequence) order',
    (times) => {
      const queue = new EventQueue();
      const seen: [number, number][] = [];
      times.forEach((time, sequence) => {
        queue.schedule(time, () => seen.push([time, sequence]));
      });
      while (queue.runNext()) {}
      const expected = times.map((time, sequence) => [time, sequence] as [number, number]);
      expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      expect(seen).toEqual(expected);
    },
  );

  test('cancel() keeps an event from running', () => {
    const queue = new EventQueue();
    let ran = false;
    const event = queue.schedule(2, () => {
      ran = true;
    });
    queue.cancel(event);
    while (queue.runNext()) {}
    expect(ran).toBe(false);
  });

  test('schedule() refuses the past and a full queue', () => {
    const queue = new EventQueue({ eventsMax: 2 });
    queue.schedule(10, () => {});
    queue.runNext();
    expect(() => queue.schedule(5, () => {})).toThrow(/in the past/);
    queue.schedule(11, () => {});
    queue.schedule(12, () => {});
    expect(() => queue.schedule(13, () => {})).toThrow(/eventsMax = 2/);
  });

  test('new EventQueue() rejects a zero eventsMax naming the field', () => {
    expect(() => new EventQueue({ eventsMax: 0 })).toThrow(ConfigError);
    expect(() => new EventQueue({ eventsMax: 0 })).toThrow("Cannot use 'eventsMax' = 0");
  });
});
