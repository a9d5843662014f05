// RaftLoop tests on a hand-driven clock with recording ports: the order of persisting and
// sending (a candidate persists before it asks for votes, a leader sends its appends
// before its own fsync, a follower forwards a proposal at once but acknowledges an append
// only after its save) and proposal batching (one Ready and one fsync for a turn's
// proposals; one each when batching is off), and a ReadIndex answered as soon as a quorum
// acknowledged the heartbeat it sent (never before, never only at the next tick).

import { describe, expect, test } from 'vitest';
import type { RaftDurableState, RaftPersistence } from '../persistence.js';
import { Xoshiro128 } from '../ports/random.js';
import { ManualClock } from '../ports/testing/manual-clock.js';
import type { Transport } from '../ports/transport.js';
import { type Message, message, type NodeId, type ReadState } from '../raft/types.js';
import { RaftLoop, type RaftLoopHandlers } from './raft-loop.js';

type Event =
  | { readonly kind: 'save'; readonly entries: number; readonly sync: boolean }
  | { readonly kind: 'send'; readonly types: string[] };

function recordingPorts(events: Event[]): {
  transport: Transport & { deliver(message: Message): void };
  persistence: RaftPersistence;
} {
  let handler: (message: Message) => void = () => {};
  return {
    transport: {
      send: (messages) => {
        if (messages.length > 0)
          events.push({ kind: 'send', types: messages.map((message) => message.type) });
      },
      onReceive: (receive) => {
        handler = receive;
      },
      close: async () => {},
      deliver: (message) => handler(message),
    },
    persistence: {
      save: (ready, sync) => {
        events.push({ kind: 'save', entries: ready.entries.length, sync });
      },
      saveSnapshot: () => {},
      load: (): RaftDurableState => ({ hardState: { term: 0, vote: 0, commit: 0 }, entries: [] }),
      close: () => {},
    },
  };
}

const handlers: RaftLoopHandlers = {
  applyEntry: () => {},
  applyConfChange: () => {},
  restoreSnapshot: () => {},
  takeSnapshot: () => new Uint8Array(),
  onApplied: () => {},
  onReadStates: () => {},
  onSoftState: () => {},
};

function startLoop(
  peers: readonly NodeId[],
  proposalBatching?: boolean,
  loopHandlers: RaftLoopHandlers = handlers,
) {
  const clock = new ManualClock();
  const events: Event[] = [];
  const ports = recordingPorts(events);
  const loop = new RaftLoop(
    {
      id: 1,
      peers,
      clock,
      random: new Xoshiro128(7n),
      transport: ports.transport,
      persistence: ports.persistence,
      tickMs: 10,
      electionTicks: 10,
      heartbeatTicks: 1,
      snapshotEntries: 10_000,
      snapshotCatchUpEntries: 100,
      ...(proposalBatching === undefined ? {} : { proposalBatching }),
    },
    loopHandlers,
  );
  loop.start();
  return { loop, clock, events, deliver: ports.transport.deliver };
}

/** Ticks until member 1 leads, granting every (pre-)vote it asks of 2 and 3. */
function electMemberOne(started: ReturnType<typeof startLoop>): void {
  const { loop, clock, events, deliver } = started;
  let answered = 0;
  for (let step = 0; step < 100 && loop.status().state !== 'leader'; step++) {
    clock.advance(10);
    const asked = events.slice(answered);
    answered = events.length;
    for (const event of asked) {
      if (event.kind !== 'send') continue;
      for (const type of new Set(event.types)) {
        if (type !== 'vote' && type !== 'preVote') continue;
        const term = type === 'vote' ? loop.status().term : loop.status().term + 1;
        for (const from of [2, 3]) {
          deliver({
            type: type === 'vote' ? 'voteResp' : 'preVoteResp',
            from,
            to: 1,
            term,
            logTerm: 0,
            index: 0,
            entries: [],
            commit: 0,
            reject: false,
            rejectHint: 0,
          });
        }
      }
    }
    clock.advance(0);
  }
  expect(loop.status().state).toBe('leader');
}

describe('RaftLoop', () => {
  test('RaftLoop persists before a candidate asks for votes but a leader sends its appends first', () => {
    const started = startLoop([1, 2, 3]);
    electMemberOne(started);
    const { events } = started;
    // The vote request left only after the hard state naming the new term was saved.
    const voteSend = events.findIndex((event) => event.kind === 'send' && event.types.includes('vote'));
    expect(voteSend).toBeGreaterThan(0);
    expect(events[voteSend - 1]).toMatchObject({ kind: 'save', sync: true });
    // As leader, the append of its first (empty) entry goes out before that entry's fsync.
    const leaderEvents = events.slice(voteSend + 1);
    const appSend = leaderEvents.findIndex((event) => event.kind === 'send' && event.types.includes('app'));
    const entrySave = leaderEvents.findIndex((event) => event.kind === 'save' && event.entries > 0);
    expect(appSend).toBeGreaterThanOrEqual(0);
    expect(entrySave).toBe(appSend + 1);
    started.loop.stop();
  });

  test("RaftLoop sends a follower's forwarded proposal before its save and its acknowledgment after", () => {
    const started = startLoop([1, 2, 3]);
    const { loop, clock, events, deliver } = started;
    const entry = { term: 1, index: 1, type: 'normal' as const, data: new Uint8Array([9]) };
    deliver(message({ type: 'app', from: 2, to: 1, term: 1, entries: [entry] }));
    loop.propose(new Uint8Array([1]));
    clock.advance(0);
    const prop = events.findIndex((event) => event.kind === 'send' && event.types.includes('prop'));
    const entrySave = events.findIndex((event) => event.kind === 'save' && event.entries > 0);
    const appResp = events.findIndex((event) => event.kind === 'send' && event.types.includes('appResp'));
    expect([prop >= 0, entrySave > prop, appResp > entrySave]).toEqual([true, true, true]);
    loop.stop();
  });

  test('RaftLoop batches one turn of proposals into one synced save, or none when batching is off', () => {
    const savesFor = (proposalBatching: boolean): Event[] => {
      const started = startLoop([1], proposalBatching);
      for (let step = 0; step < 100 && started.loop.status().state !== 'leader'; step++)
        started.clock.advance(10);
      expect(started.loop.status().state).toBe('leader');
      const before = started.events.length;
      for (let proposal = 0; proposal < 10; proposal++) started.loop.propose(new Uint8Array([proposal + 1]));
      started.clock.advance(0);
      started.loop.stop();
      return started.events.slice(before).filter((event) => event.kind === 'save' && event.entries > 0);
    };
    expect(savesFor(true)).toEqual([{ kind: 'save', entries: 10, sync: true }]);
    expect(savesFor(false)).toEqual(
      Array.from({ length: 10 }, () => ({ kind: 'save', entries: 1, sync: true })),
    );
  });

  test('RaftLoop answers a ReadIndex on an idle leader after a quorum heartbeat, without a heartbeat tick passing', () => {
    const readStates: ReadState[] = [];
    const started = startLoop([1, 2, 3], undefined, {
      ...handlers,
      onReadStates: (states) => readStates.push(...states),
    });
    electMemberOne(started);
    const { loop, clock, events, deliver } = started;
    // Commit the leader's first entry of its term (thesis §6.4: only then is its commit index current).
    const lastIndex = loop.status().progress?.get(1)?.match ?? 0;
    deliver(message({ type: 'appResp', from: 2, to: 1, term: loop.status().term, index: lastIndex }));
    clock.advance(0);
    expect(loop.status().commit).toBe(lastIndex);
    const before = events.length;
    const context = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    loop.readIndex(context);
    clock.advance(0);
    // A heartbeat round confirms leadership; nothing is answered before a quorum acknowledged it.
    expect(events.slice(before)).toContainEqual({ kind: 'send', types: ['heartbeat', 'heartbeat'] });
    expect(readStates).toEqual([]);
    deliver(message({ type: 'heartbeatResp', from: 3, to: 1, term: loop.status().term, context }));
    clock.advance(0);
    expect(readStates).toEqual([{ index: lastIndex, requestContext: context }]);
    loop.stop();
  });
});
