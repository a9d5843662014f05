import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { type Message, message } from '../server/raft/types.js';
import { EventQueue } from './event-queue.js';
import { defaultLinkSettings, type LinkSettings, SimNetwork } from './network.js';

function setup(settings: Partial<LinkSettings>, seed = 11) {
  const queue = new EventQueue();
  const received: { message: Message; timeMs: number }[] = [];
  const network = new SimNetwork(queue, new Xoshiro128(seed), {
    nodeIds: [1, 2, 3],
    linkSettings: { ...defaultLinkSettings, tailPerMille: 0, ...settings },
    deliver: (delivered) => received.push({ message: delivered, timeMs: queue.nowMs() }),
  });
  return { queue, network, received };
}

function heartbeat(from: number, to: number, index: number): Message {
  return message({ type: 'heartbeat', from, to, index });
}

function drain(queue: EventQueue): void {
  while (queue.runNext()) {}
}

describe('SimNetwork', () => {
  test('send() delivers within [delayMsMin, delayMsMax] and in FIFO order without reordering', () => {
    const { queue, network, received } = setup({ delayMsMin: 2, delayMsMax: 9 });
    for (let i = 0; i < 500; i++) network.send(heartbeat(1, 2, i));
    drain(queue);
    expect(received.map((each) => each.message.index)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    for (const { timeMs } of received) {
      expect(timeMs).toBeGreaterThanOrEqual(2);
      expect(timeMs).toBeLessThanOrEqual(9);
    }
  });

  test('send() loses about lossPerMille of the messages on a fixed seed', () => {
    const { queue, network, received } = setup({ lossPerMille: 250 });
    for (let i = 0; i < 4000; i++) network.send(heartbeat(1, 2, i));
    drain(queue);
    expect(network.stats.lost).toBeGreaterThan(850);
    expect(network.stats.lost).toBeLessThan(1150);
    expect(received.length).toBe(4000 - network.stats.lost);
  });

  test('send() duplicates about duplicatePerMille of the messages', () => {
    const { queue, network, received } = setup({ duplicatePerMille: 100 });
    for (let i = 0; i < 4000; i++) network.send(heartbeat(1, 2, i));
    drain(queue);
    expect(network.stats.duplicated).toBeGreaterThan(320);
    expect(network.stats.duplicated).toBeLessThan(480);
    expect(received.length).toBe(4000 + network.stats.duplicated);
  });

  test('send() reorders messages only when reorderPerMille is set', () => {
    const { queue, network, received } = setup({ delayMsMin: 1, delayMsMax: 10, reorderPerMille: 300 });
    for (let i = 0; i < 2000; i++) network.send(heartbeat(1, 2, i));
    drain(queue);
    let inversions = 0;
    for (let i = 1; i < received.length; i++) {
      if (received[i]!.message.index < received[i - 1]!.message.index) inversions++;
    }
    expect(network.stats.reordered).toBeGreaterThan(500);
    expect(inversions).toBeGreaterThan(100);
    expect(received.length).toBe(2000);
  });

  test('partition() cuts links between groups, including messages in flight; heal() restores them', () => {
    const { queue, network, received } = setup({});
    network.send(heartbeat(1, 3, 0));
    network.partition([[1, 2], [3]]);
    network.send(heartbeat(1, 2, 1));
    network.send(heartbeat(3, 1, 2));
    drain(queue);
    expect(received.map((each) => each.message.index)).toEqual([1]);
    expect(network.stats.blocked).toBe(2);
    network.heal();
    network.send(heartbeat(3, 1, 3));
    drain(queue);
    expect(received.map((each) => each.message.index)).toEqual([1, 3]);
  });

  test('setBlocked() cuts one direction only', () => {
    const { queue, network, received } = setup({});
    network.setBlocked(1, 2, true);
    network.send(heartbeat(1, 2, 0));
    network.send(heartbeat(2, 1, 1));
    drain(queue);
    expect(received.map((each) => each.message.index)).toEqual([1]);
  });

  test('the same seed gives the same delivery times', () => {
    const times = (seed: number) => {
      const { queue, network, received } = setup({ delayMsMax: 50, lossPerMille: 100 }, seed);
      for (let i = 0; i < 100; i++) network.send(heartbeat(1 + (i % 3), 1 + ((i + 1) % 3), i));
      drain(queue);
      return received.map((each) => `${each.message.index}@${each.timeMs}`);
    };
    expect(times(5)).toEqual(times(5));
    expect(times(5)).not.toEqual(times(6));
  });

  test('new SimNetwork() rejects impossible link settings naming the field', () => {
    expect(() => setup({ delayMsMin: 10, delayMsMax: 5 })).toThrow("Cannot use 'network.delayMsMax' = 5");
    expect(() => setup({ lossPerMille: 1001 })).toThrow(ConfigError);
    expect(() => setup({ delayMsMin: -1 })).toThrow("Cannot use 'network.delayMsMin' = -1");
  });
});
