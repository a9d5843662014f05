// Runs one fault schedule in a fresh world and judges it: the safety invariants after
// every step (and on every event where cheap), then a healed phase — every link restored,
// every node restarted and resumed, clocks steady — in which the cluster must elect a
// leader, commit a fresh proposal and apply every acknowledged proposal on every node
// within `healTimeoutMs` of virtual time (liveness).

import { Xoshiro128 } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import type { InvariantName } from './invariants.js';
import { defaultLinkSettings, type LinkSettings } from './network.js';
import { type Schedule, type ScheduleAction, validateSchedule } from './schedule.js';
import { World } from './world.js';
import type { WorldOptions } from './world-options.js';

export interface RunScheduleOptions extends Omit<WorldOptions, 'seed' | 'nodeCount' | 'nodeIds'> {
  /** Virtual time before the first step, for a first election. Default 500. */
  warmupMs?: number;
  /** Virtual time the healed cluster gets to converge. Default 10,000. */
  healTimeoutMs?: number;
  /** Link settings of the healed phase. Default: the network defaults (1-5 ms, rare 50 ms tail, no loss). */
  healedNetwork?: LinkSettings;
  /** A background client proposes to a random node this often during the fault phase. Default 50; 0: off. */
  clientIntervalMs?: number;
}

export type ScheduleResult =
  | { readonly type: 'ok'; readonly traceHash: string; readonly endMs: number; readonly world: World }
  | {
      readonly type: 'failed';
      /** The invariant that broke, 'assertion' for a node stopping on one, or 'budget'. */
      readonly caughtBy: InvariantName | 'assertion' | 'budget';
      readonly message: string;
      readonly timeMs: number;
      readonly traceHash: string;
      readonly world: World;
    };

/** Runs `schedule` in a fresh world seeded with `seed`. Throws ConfigError for a schedule or option that cannot work. */
export function runSchedule(
  schedule: Schedule,
  seed: number | bigint,
  options: RunScheduleOptions = {},
): ScheduleResult {
  validateSchedule(schedule);
  const world = new World({ ...options, seed, nodeCount: schedule.nodeCount });
  world.start();
  startBackgroundClient(world, options.clientIntervalMs ?? 50);
  let outcome = world.runUntil(world.nowMs() + (options.warmupMs ?? 500));
  for (const step of schedule.steps) {
    if (outcome.type !== 'ok') break;
    outcome = world.runUntil(world.nowMs() + step.afterMs);
    if (outcome.type === 'ok') outcome = world.checkInvariants();
    if (outcome.type === 'ok') applyAction(world, step.action);
  }
  if (outcome.type === 'ok') outcome = world.checkInvariants();
  if (outcome.type === 'ok')
    return healAndCheckLiveness(
      world,
      options.healTimeoutMs ?? 10_000,
      options.healedNetwork ?? defaultLinkSettings,
    );
  return failure(world, outcome);
}

export function applyAction(world: World, action: ScheduleAction): void {
  const ids = world.options.nodeIds;
  switch (action.type) {
    case 'crash':
    case 'crashRestart':
    case 'pause':
    case 'isolate': {
      const node = action.node === 0 ? world.leader()?.id : action.node;
      if (node === undefined) return;
      if (action.type === 'crash') {
        world.crash(node);
        return;
      }
      if (action.type === 'pause') {
        world.pause(node);
        return;
      }
      if (action.type === 'isolate') {
        world.partition([[node], ids.filter((id) => id !== node)]);
        return;
      }
      world.crash(node);
      world.queue.schedule(world.nowMs() + action.downMs, () => world.restart(node));
      return;
    }
    case 'partition': {
      const minority = new Set(action.minority);
      world.partition([[...minority], ids.filter((id) => !minority.has(id))]);
      return;
    }
    case 'blockOneWay':
      if (action.from !== action.to) world.blockOneWay(action.from, action.to);
      return;
    case 'heal':
      world.heal();
      return;
    case 'removeVoter':
      world.changeMembership({ type: 'removeNode', nodeId: action.node });
      return;
    case 'addVoter':
      world.changeMembership({ type: 'addVoter', nodeId: action.node });
      return;
    case 'restart':
      world.restart(action.node);
      return;
    case 'resume':
      world.resume(action.node);
      return;
    case 'clockBump':
      world.clockBump(action.node, action.deltaMs);
      return;
    case 'clockDrift':
      world.clockDrift(action.node, action.driftPpm);
      return;
    case 'linkFaults':
      world.setLinkFaults({
        lossPerMille: action.lossPerMille,
        duplicatePerMille: action.duplicatePerMille,
        reorderPerMille: action.reorderPerMille,
      });
      return;
    case 'propose': {
      const target: NodeId | undefined = action.node === 0 ? world.leader()?.id : action.node;
      for (let i = 0; i < action.count; i++) world.propose(target ?? ids[0]!);
      return;
    }
  }
}

/** Steady client load during the fault phase, so there are committed entries to lose. */
function startBackgroundClient(world: World, intervalMs: number): void {
  if (intervalMs <= 0) return;
  const random = new Xoshiro128(world.options.seed ^ 0x5eedn);
  const ids = world.options.nodeIds;
  const tick = (): void => {
    if (world.healing) return;
    world.propose(ids[random.intBelow(ids.length)]!);
    world.queue.schedule(world.nowMs() + intervalMs, tick);
  };
  world.queue.schedule(world.nowMs() + intervalMs, tick);
}

function healAndCheckLiveness(
  world: World,
  healTimeoutMs: number,
  healedNetwork: LinkSettings,
): ScheduleResult {
  world.healing = true;
  world.heal();
  world.setLinkFaults(healedNetwork);
  for (const host of world.hosts) {
    if (host.status === 'crashed') world.restart(host.id);
    else if (host.status === 'paused') world.resume(host.id);
    if (world.clock(host.id).drift() !== 0) world.clockDrift(host.id, 0);
  }
  // A fresh marker proposal, resent to the current leader until acknowledged, shows the
  // healed cluster makes progress and not merely that nothing was pending.
  const markerRetryMs = 200;
  let markerSentMs = -Infinity;
  let markerAcknowledged = false;
  const acknowledgedBefore = world.acknowledged.size;
  const converged = (): boolean => {
    if (!markerAcknowledged && world.acknowledged.size > acknowledgedBefore) markerAcknowledged = true;
    if (!markerAcknowledged) {
      const leader = world.leader();
      if (leader !== undefined && world.nowMs() - markerSentMs >= markerRetryMs) {
        markerSentMs = world.nowMs();
        world.propose(leader.id);
      }
      return false;
    }
    return missingApplies(world) === undefined;
  };
  const outcome = world.runUntilCondition(converged, { timeoutMs: healTimeoutMs, stepMs: 20 });
  world.invariants.checks.liveness++;
  if (outcome.type === 'timeout') {
    const missing = markerAcknowledged ? missingApplies(world) : 'no fresh proposal was committed';
    world.invariants.fail('liveness', `${healTimeoutMs} ms after healing: ${missing}`);
    return failure(world, { type: 'violation', violation: world.invariants.violation! });
  }
  if (outcome.type !== 'ok') return failure(world, outcome);
  const final = world.checkInvariants();
  if (final.type !== 'ok') return failure(world, final);
  return { type: 'ok', traceHash: world.trace.digest(), endMs: world.nowMs(), world };
}

/**
 * Which member still lacks an acknowledged entry, or undefined when all have everything.
 * Members are those of the newest membership any node applied: a removed node owes nothing.
 */
function missingApplies(world: World): string | undefined {
  let highest = 0;
  for (const index of world.acknowledged.values()) if (index > highest) highest = index;
  let newest = world.hosts[0]!;
  for (const host of world.hosts)
    if (host.stateMachine.appliedIndex > newest.stateMachine.appliedIndex) newest = host;
  const conf = newest.confState();
  const members = new Set([...conf.voters, ...conf.learners]);
  for (const host of world.hosts) {
    if (!members.has(host.id)) continue;
    if (host.stateMachine.appliedIndex < highest) {
      return `node ${host.id} applied up to ${host.stateMachine.appliedIndex}, acknowledged proposals reach ${highest}`;
    }
  }
  return undefined;
}

function failure(world: World, outcome: ReturnType<World['runUntil']>): ScheduleResult {
  const traceHash = world.trace.digest();
  switch (outcome.type) {
    case 'violation':
      return {
        type: 'failed',
        caughtBy: outcome.violation.invariant,
        message: outcome.violation.message,
        timeMs: outcome.violation.timeMs,
        traceHash,
        world,
      };
    case 'assertion':
      return {
        type: 'failed',
        caughtBy: 'assertion',
        message: outcome.message,
        timeMs: outcome.timeMs,
        traceHash,
        world,
      };
    case 'budgetExhausted':
      return {
        type: 'failed',
        caughtBy: 'budget',
        message: `${outcome.processedEvents} events without finishing`,
        timeMs: world.nowMs(),
        traceHash,
        world,
      };
    case 'ok':
      return {
        type: 'failed',
        caughtBy: 'assertion',
        message: 'failure() called on an ok outcome',
        timeMs: world.nowMs(),
        traceHash,
        world,
      };
  }
}
