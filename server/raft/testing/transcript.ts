// The transcript runner: a tiny command language over TestNetwork, so Raft scenarios
// read as specs (STYLE.md): each block is commands, a `----` line, and the trace they
// produce. transcript.test.ts compares traces and rewrites them with UPDATE_TRANSCRIPTS=1.
//
// Commands (ids are node ids):
//   cluster <ids...> [preVote=false] [checkQuorum=false] [maxSizePerMsgBytes=N]
//   campaign <id> | tick <id> [count] (each tick then stabilize) | tick-all <rounds> | stabilize
//   propose <id> <text> | read-index <id> <context> | transfer <from> <to>
//   conf-change <id> <addVoter|addLearner|removeNode> <node> | add-node <id>
//   isolate <id> | heal | crash <id> | restart <id> | compact <id>
//   status <id...>

import { assert } from '../../assert.js';
import type { ConfigOverrides } from './network.js';
import { bytes, TestNetwork, text } from './network.js';

export class TranscriptRunner {
  private net: TestNetwork | undefined;

  /** Runs one command line and returns its trace lines. */
  run(line: string): string[] {
    const [command, ...args] = line.trim().split(/\s+/);
    const trace: string[] = [];
    if (command === 'cluster') {
      this.net = new TestNetwork(args.filter((arg) => !arg.includes('=')).map(Number), {
        config: parseOverrides(args.filter((arg) => arg.includes('='))),
      });
      return [`cluster of ${this.network().ids().join(' ')}`];
    }
    const net = this.network();
    net.trace = trace;
    const id = Number(args[0]);
    switch (command) {
      case 'campaign':
        net.campaign(id);
        break;
      case 'tick':
        for (let tick = 0; tick < Number(args[1] ?? 1); tick++) {
          net.tick(id);
          net.stabilize();
        }
        break;
      case 'tick-all':
        net.tickAll(id);
        break;
      case 'stabilize':
        net.stabilize();
        break;
      case 'propose':
        trace.push(describeResult(net.raw(id).propose(bytes(args[1] ?? ''))));
        break;
      case 'read-index':
        net.raw(id).readIndex(bytes(args[1] ?? ''));
        break;
      case 'transfer':
        net.raw(id).transferLeadership(Number(args[1]));
        break;
      case 'conf-change': {
        const type = args[1] as 'addVoter' | 'addLearner' | 'removeNode';
        trace.push(describeResult(net.raw(id).proposeConfChange({ type, nodeId: Number(args[2]) })));
        break;
      }
      case 'add-node':
        net.addNode(id);
        break;
      case 'isolate':
        net.isolate(id);
        break;
      case 'heal':
        net.heal();
        break;
      case 'crash':
        net.crash(id);
        break;
      case 'restart':
        net.restart(id);
        break;
      case 'compact': {
        const status = net.raw(id).status();
        net
          .node(id)
          .storage.createSnapshot(status.applied, status.confState, bytes(`state@${status.applied}`));
        net.node(id).storage.compact(status.applied);
        trace.push(`${id} compacted through ${status.applied}`);
        break;
      }
      case 'status':
        for (const arg of args) trace.push(describeStatus(net, Number(arg)));
        break;
      default:
        assert(false, `unknown transcript command '${command}'`);
    }
    net.trace = undefined;
    for (const nodeId of net.ids()) {
      const node = net.node(nodeId);
      for (const state of node.readStates) {
        trace.push(
          `${nodeId} read state index=${state.index} context=${JSON.stringify(text(state.requestContext))}`,
        );
      }
      node.readStates = [];
    }
    return trace.length > 0 ? trace : ['ok'];
  }

  private network(): TestNetwork {
    assert(this.net !== undefined, 'a transcript must start with `cluster`');
    return this.net;
  }
}

function parseOverrides(settings: readonly string[]): ConfigOverrides {
  const overrides: Record<string, boolean | number> = {};
  for (const setting of settings) {
    const [key, value] = setting.split('=');
    assert(key !== undefined && value !== undefined, () => `bad setting '${setting}'`);
    overrides[key] = value === 'true' ? true : value === 'false' ? false : Number(value);
  }
  return overrides as ConfigOverrides;
}

function describeResult(result: { type: 'ok' } | { type: 'dropped'; reason: string }): string {
  return result.type === 'ok' ? 'proposal accepted' : `proposal dropped: ${result.reason}`;
}

function describeStatus(net: TestNetwork, id: number): string {
  const status = net.raw(id).status();
  const applied = net
    .node(id)
    .applied.map((entry) => text(entry.data))
    .join(',');
  const conf = `voters=${status.confState.voters.join(',')}${status.confState.learners.length > 0 ? ` learners=${status.confState.learners.join(',')}` : ''}`;
  return `${id}: ${status.state} term=${status.term} vote=${status.vote} lead=${status.lead} commit=${status.commit} applied=[${applied}] ${conf}`;
}
