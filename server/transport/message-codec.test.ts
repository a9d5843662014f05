import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Message, MessageType } from '../raft/types.js';
import { decodeMessage, encodeMessage } from './message-codec.js';

const messageTypes: MessageType[] = [
  'hup',
  'beat',
  'prop',
  'app',
  'appResp',
  'vote',
  'voteResp',
  'snap',
  'heartbeat',
  'heartbeatResp',
  'unreachable',
  'snapStatus',
  'checkQuorum',
  'transferLeader',
  'timeoutNow',
  'readIndex',
  'readIndexResp',
  'preVote',
  'preVoteResp',
];
const id = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const entry = fc.record({
  term: id,
  index: id,
  type: fc.constantFrom('normal' as const, 'confChange' as const),
  data: fc.uint8Array({ maxLength: 64 }),
});
const snapshot = fc.record({
  data: fc.uint8Array({ maxLength: 64 }),
  metadata: fc.record({
    index: id,
    term: id,
    confState: fc.record({
      voters: fc.array(id, { maxLength: 5 }),
      learners: fc.array(id, { maxLength: 3 }),
    }),
  }),
});
const message: fc.Arbitrary<Message> = fc.record(
  {
    type: fc.constantFrom(...messageTypes),
    from: id,
    to: id,
    term: id,
    logTerm: id,
    index: id,
    entries: fc.array(entry, { maxLength: 5 }),
    commit: id,
    snapshot,
    reject: fc.boolean(),
    rejectHint: id,
    context: fc.uint8Array({ minLength: 1, maxLength: 16 }),
  },
  {
    requiredKeys: [
      'type',
      'from',
      'to',
      'term',
      'logTerm',
      'index',
      'entries',
      'commit',
      'reject',
      'rejectHint',
    ],
  },
);

describe('message codec', () => {
  test.prop([message], { seed: 11, numRuns: 500 })(
    'decodeMessage(encodeMessage(m)) gives m back',
    (original) => {
      expect(decodeMessage(encodeMessage(original))).toEqual(original);
    },
  );

  test('decodeMessage() rejects an unknown message type with a CodecError', () => {
    expect(() => decodeMessage(new Uint8Array([0x08, 0x63]))).toThrow(/Message.type 99 is unknown/);
  });

  test('decodeMessage() rejects truncated bytes instead of inventing fields', () => {
    const bytes = encodeMessage({
      type: 'app',
      from: 1,
      to: 2,
      term: 3,
      logTerm: 3,
      index: 9,
      commit: 9,
      reject: false,
      rejectHint: 0,
      entries: [{ term: 3, index: 10, type: 'normal', data: new Uint8Array(40) }],
    });
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 5))).toThrow();
  });
});
