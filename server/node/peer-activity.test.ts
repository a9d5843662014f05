// PeerActivity by a hand-moved clock: a peer is active for one window after its last message.

import { describe, expect, test } from 'vitest';
import type { Clock } from '../ports/clock.js';
import type { Transport } from '../ports/transport.js';
import type { Message } from '../raft/types.js';
import { PeerActivity } from './peer-activity.js';

describe('PeerActivity', () => {
  test('activePeers() holds a peer for one window after its last message, then drops it', () => {
    let nowMs = 0;
    const clock: Clock = { nowMs: () => nowMs, setTimer: () => ({ cancel: () => {} }) };
    let deliver: (message: Message) => void = () => {};
    const transport: Transport = {
      send: () => {},
      onReceive: (handler) => {
        deliver = handler;
      },
      close: async () => {},
    };
    const activity = new PeerActivity(clock, 100);
    const received: number[] = [];
    activity.observe(transport).onReceive((message) => received.push(message.from));
    deliver({ from: 2, to: 1 } as Message);
    nowMs = 60;
    deliver({ from: 3, to: 1 } as Message);
    expect([...activity.activePeers()].sort()).toEqual([2, 3]);
    nowMs = 150;
    expect([...activity.activePeers()]).toEqual([3]);
    nowMs = 161;
    expect(activity.activePeers().size).toBe(0);
    expect(received).toEqual([2, 3]);
  });
});
