// Model-based test of the applier with leases and compare-and-swap txns: random commands
// run against a StateMachine and against a plain model (one map of live keys, a set of
// leases, a revision counter); every response and the whole key space must agree.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { KeyValue } from '../api/types.js';
import type { ApplyOutcome } from './apply-request.js';
import { StateMachine } from './state-machine.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 60);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);

type Command =
  | { type: 'put'; key: string; value: string; lease: number }
  | { type: 'del'; key: string }
  | { type: 'grant'; id: number }
  | { type: 'revoke'; id: number }
  | { type: 'cas'; key: string; version: number; value: string };

const key = fc.constantFrom('a', 'b', 'c');
const leaseId = fc.integer({ min: 0, max: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ type: fc.constant('put' as const), key, value: fc.string({ maxLength: 2 }), lease: leaseId }),
  fc.record({ type: fc.constant('del' as const), key }),
  fc.record({ type: fc.constant('grant' as const), id: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ type: fc.constant('revoke' as const), id: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    type: fc.constant('cas' as const),
    key,
    version: fc.nat(3),
    value: fc.string({ maxLength: 2 }),
  }),
);

interface ModelKv {
  value: string;
  create: number;
  mod: number;
  version: number;
  lease: number;
}

class Model {
  revision = 1;
  readonly kvs = new Map<string, ModelKv>();
  readonly leases = new Set<number>();

  /** The expected outcome: an error message, or the revision after. */
  run(command: Command): string {
    switch (command.type) {
      case 'put':
        if (command.lease !== 0 && !this.leases.has(command.lease))
          return 'etcdserver: requested lease not found';
        this.write(command.key, command.value, command.lease);
        return `ok ${this.revision}`;
      case 'del':
        if (!this.kvs.delete(command.key)) return `ok ${this.revision}`;
        this.revision++;
        return `ok ${this.revision}`;
      case 'grant':
        if (this.leases.has(command.id)) return 'etcdserver: lease already exists';
        this.leases.add(command.id);
        return `ok ${this.revision}`;
      case 'revoke': {
        if (!this.leases.delete(command.id)) return 'etcdserver: requested lease not found';
        const attached = [...this.kvs].filter(([, kv]) => kv.lease === command.id);
        for (const [name] of attached) this.kvs.delete(name);
        if (attached.length > 0) this.revision++;
        return `ok ${this.revision}`;
      }
      case 'cas':
        if ((this.kvs.get(command.key)?.version ?? 0) === command.version)
          this.write(command.key, command.value, 0);
        return `ok ${this.revision}`;
    }
  }

  private write(name: string, value: string, lease: number): void {
    this.revision++;
    const previous = this.kvs.get(name);
    this.kvs.set(name, {
      value,
      create: previous?.create ?? this.revision,
      mod: this.revision,
      version: (previous?.version ?? 0) + 1,
      lease,
    });
  }
}

function run(state: StateMachine, command: Command): ApplyOutcome {
  const context = { raftTerm: 1, nowMs: 0 };
  switch (command.type) {
    case 'put':
      return state.applier.apply(
        {
          type: 'put',
          request: { key: bytes(command.key), value: bytes(command.value), lease: command.lease },
        },
        context,
      );
    case 'del':
      return state.applier.apply({ type: 'deleteRange', request: { key: bytes(command.key) } }, context);
    case 'grant':
      return state.applier.apply(
        { type: 'leaseGrant', request: { id: command.id, ttlSeconds: 60 } },
        context,
      );
    case 'revoke':
      return state.applier.apply({ type: 'leaseRevoke', request: { id: command.id } }, context);
    case 'cas':
      return state.applier.apply(
        {
          type: 'txn',
          request: {
            compare: [
              { key: bytes(command.key), target: 'VERSION', version: command.version, result: 'EQUAL' },
            ],
            success: [{ type: 'put', request: { key: bytes(command.key), value: bytes(command.value) } }],
            failure: [{ type: 'range', request: { key: bytes(command.key) } }],
          },
        },
        context,
      );
  }
}

function describeKv(kv: KeyValue): string {
  return `${text(kv.key)}=${text(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version} l${kv.lease}`;
}

describe('StateMachine against a model', () => {
  test.prop([fc.array(command, { maxLength: 50 })], { seed, numRuns })(
    'Applier.apply() agrees with a model of keys, versions, leases and revisions',
    (commands) => {
      const state = new StateMachine({ clusterId: 1, memberId: 1 });
      const model = new Model();
      for (const each of commands) {
        const outcome = run(state, each);
        const actual = outcome.type === 'error' ? outcome.error.message : `ok ${state.store.currentRevision}`;
        expect(actual).toBe(model.run(each));
        const everything = state.store.range(new Uint8Array([0]), new Uint8Array([0])).kvs.map(describeKv);
        const expected = [...model.kvs]
          .sort(([left], [right]) => (left < right ? -1 : 1))
          .map(([name, kv]) => `${name}=${kv.value} c${kv.create} m${kv.mod} v${kv.version} l${kv.lease}`);
        expect(everything).toEqual(expected);
        expect(state.lessor.leaseIds()).toEqual([...model.leases].sort());
        for (const id of model.leases) {
          const attached = [...model.kvs]
            .filter(([, kv]) => kv.lease === id)
            .map(([name]) => name)
            .sort();
          expect(state.lessor.timeToLive(id, 0).keys.map(text)).toEqual(attached);
        }
      }
    },
  );
});
