import { describe, expect, test } from 'vitest';
import type { RaftPersistence } from '../server/persistence.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { message, type Ready } from '../server/raft/types.js';
import { EventQueue } from './event-queue.js';
import { MemoryPersistence } from './memory-persistence.js';
import { type HostPlantedBugs, NodeHost } from './node-host.js';
import type { RaftNode } from './raft-node.js';
import { VirtualClock } from './virtual-clock.js';

/** A scripted Raft node: hands out one Ready with an entry, a vote and a message. */
function scriptedRaft(): RaftNode {
  let pending: Ready | undefined = {
    hardState: { term: 2, vote: 2, commit: 0 },
    entries: [{ index: 1, term: 2, type: 'normal', data: new Uint8Array([1]) }],
    readStates: [],
    committedEntries: [],
    messages: [message({ type: 'voteResp', from: 1, to: 2, term: 2 })],
    mustSync: true,
  };
  return {
    tick: () => {},
    step: () => {},
    propose: () => ({ type: 'ok' }),
    proposeConfChange: () => ({ type: 'ok' }),
    applyConfChange: () => undefined,
    reportSnapshot: () => {},
    hasReady: () => pending !== undefined,
    ready: () => pending!,
    advance: () => {
      pending = undefined;
    },
  };
}

function hostWith(hostPlantedBugs: HostPlantedBugs) {
  const queue = new EventQueue();
  const events: string[] = [];
  const store = new MemoryPersistence();
  const recording: RaftPersistence = {
    save: (ready, sync) => {
      events.push(`save vote=${ready.hardState?.vote} sync=${sync}`);
      store.save(ready, sync);
    },
    saveSnapshot: (snapshot) => store.saveSnapshot(snapshot),
    load: () => store.load(),
    close: () => {},
  };
  const host = new NodeHost({
    id: 1,
    peers: [1, 2, 3],
    queue,
    clock: new VirtualClock(queue),
    random: new Xoshiro128(1),
    persistence: { open: () => recording, crash: () => store.crash() },
    createRaftNode: scriptedRaft,
    send: (sent) => events.push(`send ${sent.type}`),
    observer: {
      onEntriesPersisted: () => {},
      onRole: () => {},
      onApply: () => {},
      onSnapshotRestored: () => {},
      onAcknowledged: () => {},
    },
    tickMs: 10,
    electionTicks: 10,
    heartbeatTicks: 1,
    maxSizePerMsgBytes: 1024,
    maxInflightMsgs: 16,
    preVote: true,
    checkQuorum: true,
    raftPlantedBugs: {},
    hostPlantedBugs,
    snapshotEveryEntries: 100,
    compactKeepEntries: 10,
    heldMessagesMax: 10,
    persistDelayMs: 20,
  });
  return { host, events, queue, store };
}

describe('NodeHost', () => {
  test('start() persists a Ready (synced) before sending its messages', () => {
    const { host, events, store } = hostWith({});
    host.start();
    expect(events).toEqual(['save vote=2 sync=true', 'send voteResp']);
    expect(store.load().hardState.vote).toBe(2);
  });

  test('the sendBeforePersist planted bug sends first, and a crash loses the vote it sent', () => {
    const { host, events, queue, store } = hostWith({ sendBeforePersist: true });
    host.start();
    expect(events).toEqual(['send voteResp']);
    queue.advanceTo(5);
    host.crash();
    while (queue.runNext()) {}
    expect(events).toEqual(['send voteResp']);
    expect(store.load().hardState.vote).toBe(0);
  });
});
