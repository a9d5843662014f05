// Randomized safety check of the Raft core alone (Raft paper §5.4, Figure 3): random
// ticks, message loss, duplication and reordering, partitions, crashes with restarts,
// proposals, compaction and membership changes, checking after every step that
// there is at most one leader per term (Election Safety) and that no two nodes apply
// different entries at one index (State Machine Safety). The simulator runs the full
// property suite; this one keeps the core honest on its own.

import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { PlantedBugs } from './config.js';
import { bytes, type ConfigOverrides, TestNetwork } from './testing/network.js';
import type { Message } from './types.js';

const propertyRuns = Number(process.env.RAFT_PROPERTY_RUNS ?? 40);
const actionsMax = 2000;

type Action =
  | { type: 'tick'; node: number }
  | { type: 'deliver'; position: number }
  | { type: 'drop'; position: number }
  | { type: 'duplicate'; position: number }
  | { type: 'propose'; node: number }
  | { type: 'crash'; node: number }
  | { type: 'crashLeader' }
  | { type: 'restart'; node: number }
  | { type: 'partition'; node: number }
  | { type: 'heal' }
  | { type: 'compact'; node: number }
  | { type: 'transfer'; node: number; to: number }
  | { type: 'readIndex'; node: number }
  | { type: 'addVoter' }
  | { type: 'removeVoter'; node: number };

/** A node by position; runs with fewer nodes wrap it around. */
const node = fc.integer({ min: 1, max: 5 });
const position = fc.nat({ max: 50 });
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { weight: 25, arbitrary: node.map((id) => ({ type: 'tick' as const, node: id })) },
  { weight: 50, arbitrary: position.map((at) => ({ type: 'deliver' as const, position: at })) },
  { weight: 5, arbitrary: position.map((at) => ({ type: 'drop' as const, position: at })) },
  { weight: 3, arbitrary: position.map((at) => ({ type: 'duplicate' as const, position: at })) },
  { weight: 8, arbitrary: node.map((id) => ({ type: 'propose' as const, node: id })) },
  { weight: 2, arbitrary: node.map((id) => ({ type: 'crash' as const, node: id })) },
  { weight: 3, arbitrary: fc.constant({ type: 'crashLeader' as const }) },
  { weight: 6, arbitrary: node.map((id) => ({ type: 'restart' as const, node: id })) },
  { weight: 2, arbitrary: node.map((id) => ({ type: 'partition' as const, node: id })) },
  { weight: 3, arbitrary: fc.constant({ type: 'heal' as const }) },
  { weight: 1, arbitrary: node.map((id) => ({ type: 'compact' as const, node: id })) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('transfer' as const), node, to: node }) },
  { weight: 2, arbitrary: node.map((id) => ({ type: 'readIndex' as const, node: id })) },
  { weight: 3, arbitrary: fc.constant({ type: 'addVoter' as const }) },
  { weight: 3, arbitrary: node.map((id) => ({ type: 'removeVoter' as const, node: id })) },
);

/** Bound on the nodes a run may grow to through addVoter. */
const nodesMax = 7;

interface Outcome {
  violation?: string;
  /** Terms that had a leader: how much the run exercised elections. */
  terms?: number;
  /** Membership changes nodes applied: how much the run exercised reconfiguration. */
  membershipChanges?: number;
}

/** Runs the actions; returns the first safety violation seen, if any. */
function run(
  actions: readonly Action[],
  options: { plantedBugs?: PlantedBugs; config?: ConfigOverrides; ids?: readonly number[] } = {},
): Outcome {
  const net = new TestNetwork(options.ids ?? [1, 2, 3], {
    config: { maxSizePerMsgBytes: 64, ...options.config, plantedBugs: options.plantedBugs ?? {} },
  });
  const leaderOfTerm = new Map<number, number>();
  const appliedAt = new Map<number, string>();
  let proposals = 0;
  let membershipChanges = 0;
  const confSeen = new Map<number, string>();
  for (const action of actions) {
    const violation = perform(net, action, () => proposals++);
    if (violation !== undefined) return { violation };
    for (const id of net.ids()) {
      if (net.node(id).up) {
        try {
          net.processReady(id);
        } catch (error) {
          return { violation: `node ${id} stopped: ${(error as Error).message}` };
        }
      }
      const status = net.raw(id).status();
      const conf = status.confState.voters.join(',');
      if (conf !== '' && confSeen.get(id) !== undefined && confSeen.get(id) !== conf) membershipChanges++;
      if (conf !== '') confSeen.set(id, conf);
      if (status.state === 'leader') {
        const known = leaderOfTerm.get(status.term);
        if (known !== undefined && known !== id) return { violation: `two leaders in term ${status.term}` };
        leaderOfTerm.set(status.term, id);
      }
      for (const entry of net.node(id).applied) {
        const key = `${entry.term}:${new TextDecoder().decode(entry.data)}`;
        const seen = appliedAt.get(entry.index);
        if (seen !== undefined && seen !== key)
          return { violation: `index ${entry.index}: ${seen} vs ${key}` };
        appliedAt.set(entry.index, key);
      }
    }
  }
  return { terms: leaderOfTerm.size, membershipChanges };
}

function perform(net: TestNetwork, generated: Action, nextProposal: () => number): string | undefined {
  const ids = net.ids();
  const wrap = (position: number): number => ids[(position - 1) % ids.length] as number;
  const action: Action = {
    ...generated,
    ...('node' in generated ? { node: wrap(generated.node) } : {}),
    ...('to' in generated ? { to: wrap(generated.to) } : {}),
  } as Action;
  const queue = net.queue;
  try {
    switch (action.type) {
      case 'tick':
        // Several ticks at once, so that elections happen often within a run.
        if (net.node(action.node).up) for (let tick = 0; tick < 4; tick++) net.raw(action.node).tick();
        return undefined;
      case 'deliver': {
        if (queue.length === 0) return undefined;
        const [m] = queue.splice(action.position % queue.length, 1);
        net.queue = [m as Message, ...net.queue];
        net.deliverOne();
        return undefined;
      }
      case 'drop':
        if (queue.length > 0) queue.splice(action.position % queue.length, 1);
        return undefined;
      case 'duplicate':
        if (queue.length > 0) queue.push(queue[action.position % queue.length] as Message);
        return undefined;
      case 'propose':
        if (net.node(action.node).up) net.raw(action.node).propose(bytes(`p${nextProposal()}`));
        return undefined;
      case 'crash':
        net.crash(action.node);
        return undefined;
      case 'crashLeader': {
        const leader = net.leader();
        if (leader !== undefined) net.crash(leader);
        return undefined;
      }
      case 'restart':
        if (!net.node(action.node).up) net.restart(action.node);
        return undefined;
      case 'partition':
        net.isolate(action.node);
        return undefined;
      case 'heal':
        net.heal();
        return undefined;
      case 'compact': {
        const target = net.node(action.node);
        const status = target.rawNode.status();
        const snapshotIndex = target.storage.snapshot().metadata.index;
        if (!target.up || status.applied <= snapshotIndex + 2) return undefined;
        target.storage.createSnapshot(status.applied - 1, status.confState, new Uint8Array(0));
        target.storage.compact(status.applied - 1);
        return undefined;
      }
      case 'transfer':
        if (net.node(action.node).up) net.raw(action.node).transferLeadership(action.to);
        return undefined;
      case 'addVoter': {
        // A brand-new node (ids are never reused) joins through the leader.
        const leader = net.leader();
        if (leader === undefined || ids.length >= nodesMax) return undefined;
        const newId = Math.max(...ids) + 1;
        const result = net.raw(leader).proposeConfChange({ type: 'addVoter', nodeId: newId });
        if (result.type === 'ok') net.addNode(newId);
        return undefined;
      }
      case 'removeVoter': {
        const leader = net.leader();
        if (leader === undefined) return undefined;
        const voters = net.raw(leader).status().confState.voters;
        if (voters.length <= 3 || !voters.includes(action.node)) return undefined;
        net.raw(leader).proposeConfChange({ type: 'removeNode', nodeId: action.node });
        return undefined;
      }
      case 'readIndex':
        if (net.node(action.node).up) net.raw(action.node).readIndex(bytes(`r${nextProposal()}`));
        return undefined;
    }
  } catch (error) {
    return `${action.type} threw: ${(error as Error).message}`;
  }
}

describe('Raft safety under random faults (§5.4)', () => {
  propertyTest.prop([fc.array(actionArbitrary, { minLength: 500, maxLength: actionsMax })], {
    numRuns: propertyRuns,
    seed: 20261124,
  })('election safety and state machine safety hold for the correct implementation', (actions) => {
    expect(run(actions).violation).toBeUndefined();
  });

  propertyTest.prop([fc.array(actionArbitrary, { minLength: 500, maxLength: actionsMax })], {
    numRuns: propertyRuns,
    seed: 20261125,
  })('safety holds with 5 nodes, one entry per message and frequent term races', (actions) => {
    const config = {
      maxSizePerMsgBytes: 1,
      maxInflightMsgs: 2,
      preVote: false,
      checkQuorum: false,
      electionTicks: 4,
    };
    expect(run(actions, { config, ids: [1, 2, 3, 4, 5] }).violation).toBeUndefined();
  });
});
