// Bad input (issue 3): a Raft configuration that cannot work is rejected at
// construction with one message naming the field and its value.

import { describe, expect, test } from 'vitest';
import { ConfigError } from '../config-error.js';
import { Xoshiro128 } from '../ports/random.js';
import { type RaftConfig, validateRaftConfig } from './config.js';
import { RawNode } from './raw-node.js';
import { MemoryStorage } from './storage.js';

function config(overrides: Partial<RaftConfig>): RaftConfig {
  return { id: 1, peers: [1, 2, 3], storage: new MemoryStorage(), random: new Xoshiro128(1), ...overrides };
}

describe('validateRaftConfig()', () => {
  test('validateRaftConfig() fills in the documented defaults', () => {
    const resolved = validateRaftConfig(config({}));
    expect(resolved).toMatchObject({
      electionTicks: 10,
      heartbeatTicks: 1,
      maxSizePerMsgBytes: 1024 * 1024,
      maxInflightMsgs: 256,
      preVote: true,
      checkQuorum: true,
    });
    expect(resolved.plantedBugs.voteWithoutLogCheck).toBe(false);
  });

  test.each([
    [{ id: 0 }, "Cannot use 'id' = 0: it must be a positive integer"],
    [
      { electionTicks: 1, heartbeatTicks: 1 },
      "Cannot use 'electionTicks' = 1: it must be greater than 'heartbeatTicks' (1)",
    ],
    [{ heartbeatTicks: -2 }, "Cannot use 'heartbeatTicks' = -2: it must be a positive integer"],
    [{ peers: [1, 2, 2] }, "Cannot use 'peers' = [1,2,2]: node id 2 appears twice"],
    [{ peers: [1, 0] }, "Cannot use 'peers' = [1,0]: node id 0 is not a positive integer"],
    [
      { learners: [3] },
      "Cannot use 'learners' = [3]: node 3 is also in 'peers'; a node is a voter or a learner",
    ],
    [{ maxInflightMsgs: 0 }, "Cannot use 'maxInflightMsgs' = 0: it must be a positive integer"],
    [{ maxSizePerMsgBytes: 1.5 }, "Cannot use 'maxSizePerMsgBytes' = 1.5: it must be a positive integer"],
    [{ applied: -1 }, "Cannot use 'applied' = -1: it must be a non-negative integer"],
  ])('validateRaftConfig(%j) throws a ConfigError naming the field and value', (overrides, expected) => {
    expect(() => validateRaftConfig(config(overrides))).toThrow(ConfigError);
    expect(() => validateRaftConfig(config(overrides))).toThrow(expected);
  });

  test('new RawNode() rejects a bad configuration before doing anything', () => {
    expect(() => new RawNode(config({ electionTicks: 0 }))).toThrow(ConfigError);
  });
});
