// Applier tests: each Range option, txn compares and nested txns, etcd's errors for puts
// and leases, atomic failure, compaction, and determinism of the whole state machine.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { KeyValue, RangeRequest, RequestOp, TxnRequest } from '../api/types.js';
import type { ApplyOutcome, ApplyRequest } from './apply-request.js';
import { encodeRaftRequest } from './request-codec.js';
import { StateMachine } from './state-machine.js';

const seed = Number(process.env.PROPERTY_SEED ?? 4242);
const numRuns = Number(process.env.PROPERTY_RUNS ?? 40);
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array): string => new TextDecoder().decode(value);
const context = { raftTerm: 3, nowMs: 0 };

function machine(): StateMachine {
  return new StateMachine({ clusterId: 11, memberId: 22 });
}

function ok(outcome: ApplyOutcome): ApplyOutcome & { type: 'ok' } {
  if (outcome.type === 'error') throw outcome.error;
  return outcome;
}

function apply(state: StateMachine, request: ApplyRequest): ApplyOutcome {
  return state.applier.apply(request, context);
}

function put(state: StateMachine, key: string, value: string, lease = 0): void {
  ok(apply(state, { type: 'put', request: { key: bytes(key), value: bytes(value), lease } }));
}

function range(state: StateMachine, request: Partial<RangeRequest> & { key: Uint8Array }) {
  const outcome = ok(apply(state, { type: 'range', request }));
  if (outcome.response.type !== 'range') throw new Error('not a range response');
  return outcome.response.response;
}

const keysOf = (kvs: readonly KeyValue[]): string[] => kvs.map((kv) => text(kv.key));
const all = { key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) };

describe('Applier', () => {
  test('apply() answers a put with the new revision in the header and prev_kv on request', () => {
    const state = machine();
    put(state, 'k', 'one');
    const outcome = ok(
      apply(state, { type: 'put', request: { key: bytes('k'), value: bytes('two'), prevKv: true } }),
    );
    expect(outcome.response.type).toBe('put');
    if (outcome.response.type !== 'put') return;
    expect(outcome.response.response.header).toEqual({
      clusterId: 11,
      memberId: 22,
      revision: 3,
      raftTerm: 3,
    });
    expect(text(outcome.response.response.prevKv!.value)).toBe('one');
  });

  test('apply() range sorts, limits with more, filters and keeps count before the limit', () => {
    const state = machine();
    put(state, 'a', '3'); // 2
    put(state, 'b', '1'); // 3
    put(state, 'c', '2'); // 4
    put(state, 'a', '4'); // 5
    const byValue = range(state, { ...all, sortTarget: 'VALUE' });
    expect(keysOf(byValue.kvs)).toEqual(['b', 'c', 'a']);
    const descending = range(state, { ...all, sortOrder: 'DESCEND', sortTarget: 'MOD', limit: 2 });
    expect([keysOf(descending.kvs), descending.more, descending.count]).toEqual([['a', 'c'], true, 3]);
    const byKeyDescending = range(state, { ...all, sortOrder: 'DESCEND' });
    expect(keysOf(byKeyDescending.kvs)).toEqual(['c', 'b', 'a']);
    const limited = range(state, { ...all, limit: 3 });
    expect([keysOf(limited.kvs), limited.more]).toEqual([['a', 'b', 'c'], false]);
    const filtered = range(state, { ...all, minModRevision: 3, maxCreateRevision: 3 });
    expect([keysOf(filtered.kvs), filtered.count]).toEqual([['a', 'b'], 3]);
    const keysOnly = range(state, { ...all, keysOnly: true });
    expect(keysOnly.kvs.every((kv) => kv.value.length === 0)).toBe(true);
    const countOnly = range(state, { ...all, countOnly: true });
    expect([countOnly.kvs.length, countOnly.count]).toEqual([0, 3]);
    const old = range(state, { ...all, revision: 3 });
    expect([keysOf(old.kvs), old.header.revision]).toEqual([['a', 'b'], 5]);
    const byVersion = range(state, { ...all, sortTarget: 'VERSION', sortOrder: 'DESCEND' });
    expect(keysOf(byVersion.kvs)[0]).toBe('a');
  });

  test('apply() range at a future or compacted revision fails with etcd texts', () => {
    const state = machine();
    put(state, 'a', '1');
    put(state, 'a', '2');
    ok(apply(state, { type: 'compaction', request: { revision: 3 } }));
    const future = apply(state, { type: 'range', request: { key: bytes('a'), revision: 9 } });
    const compacted = apply(state, { type: 'range', request: { key: bytes('a'), revision: 2 } });
    expect(future.type === 'error' && future.error.message).toBe(
      'etcdserver: mvcc: required revision is a future revision',
    );
    expect(compacted.type === 'error' && compacted.error.message).toBe(
      'etcdserver: mvcc: required revision has been compacted',
    );
    const again = apply(state, { type: 'compaction', request: { revision: 3 } });
    expect(again.type === 'error' && again.error.is('compacted')).toBe(true);
  });

  test('apply() put with ignore_value or ignore_lease on an absent key fails with key not found', () => {
    const state = machine();
    const outcome = apply(state, {
      type: 'put',
      request: { key: bytes('k'), value: new Uint8Array(0), ignoreValue: true },
    });
    expect(outcome.type === 'error' && outcome.error.message).toBe('etcdserver: key not found');
    put(state, 'k', 'keep');
    ok(
      apply(state, {
        type: 'put',
        request: { key: bytes('k'), value: new Uint8Array(0), ignoreValue: true },
      }),
    );
    const [kv] = range(state, { key: bytes('k') }).kvs;
    expect([text(kv!.value), kv!.version]).toEqual(['keep', 2]);
    const leased = apply(state, { type: 'put', request: { key: bytes('k'), value: bytes('v'), lease: 99 } });
    expect(leased.type === 'error' && leased.error.message).toBe('etcdserver: requested lease not found');
    expect(state.store.currentRevision).toBe(3);
  });

  test('apply() txn compares value, version, create, mod and lease; absent keys compare as zero', () => {
    const state = machine();
    put(state, 'k', 'v'); // 2
    const run = (compare: TxnRequest['compare']): boolean => {
      const outcome = ok(apply(state, { type: 'txn', request: { compare, success: [], failure: [] } }));
      return outcome.response.type === 'txn' && outcome.response.response.succeeded;
    };
    const key = bytes('k');
    expect(run([{ key, target: 'VALUE', value: bytes('v'), result: 'EQUAL' }])).toBe(true);
    expect(run([{ key, target: 'VALUE', value: bytes('a'), result: 'GREATER' }])).toBe(true);
    expect(run([{ key, target: 'VERSION', version: 1, result: 'EQUAL' }])).toBe(true);
    expect(run([{ key, target: 'CREATE', createRevision: 2, result: 'EQUAL' }])).toBe(true);
    expect(run([{ key, target: 'MOD', modRevision: 3, result: 'LESS' }])).toBe(true);
    expect(run([{ key, target: 'LEASE', lease: 0, result: 'EQUAL' }])).toBe(true);
    expect(run([{ key, target: 'VERSION', version: 1, result: 'NOT_EQUAL' }])).toBe(false);
    const absent = bytes('zz');
    expect(run([{ key: absent, target: 'VERSION', version: 0, result: 'EQUAL' }])).toBe(true);
    expect(run([{ key: absent, target: 'CREATE', createRevision: 0, result: 'EQUAL' }])).toBe(true);
    expect(run([{ key: absent, target: 'VALUE', value: new Uint8Array(0), result: 'EQUAL' }])).toBe(false);
    put(state, 'k2', 'w'); // 3
    const prefix = { key: bytes('k'), rangeEnd: bytes('l') };
    expect(run([{ ...prefix, target: 'VERSION', version: 1, result: 'EQUAL' }])).toBe(true);
    expect(run([{ ...prefix, target: 'VALUE', value: bytes('v'), result: 'EQUAL' }])).toBe(false);
  });

  test('apply() txn runs one branch at one revision, nested txns included, reads see earlier writes', () => {
    const state = machine();
    put(state, 'a', '1'); // 2
    const nested: TxnRequest = {
      compare: [{ key: bytes('a'), target: 'VALUE', value: bytes('1'), result: 'EQUAL' }],
      success: [{ type: 'put', request: { key: bytes('n'), value: bytes('nested') } }],
      failure: [],
    };
    const ops: RequestOp[] = [
      { type: 'put', request: { key: bytes('b'), value: bytes('2') } },
      { type: 'range', request: { key: bytes('b') } },
      { type: 'txn', request: nested },
      { type: 'deleteRange', request: { key: bytes('a'), prevKv: true } },
    ];
    const outcome = ok(apply(state, { type: 'txn', request: { compare: [], success: ops, failure: [] } }));
    if (outcome.response.type !== 'txn') throw new Error('not a txn');
    const response = outcome.response.response;
    expect(response.header.revision).toBe(3);
    expect(response.responses.map((op) => op.type)).toEqual(['put', 'range', 'txn', 'deleteRange']);
    const read = response.responses[1]!;
    expect(read.type === 'range' && keysOf(read.response.kvs)).toEqual(['b']);
    const inner = response.responses[2]!;
    expect(inner.type === 'txn' && inner.response.succeeded).toBe(true);
    const deleted = response.responses[3]!;
    expect(deleted.type === 'deleteRange' && deleted.response.deleted).toBe(1);
    expect(state.store.changes.get(3)?.length).toBe(3);
    expect(keysOf(range(state, all).kvs)).toEqual(['b', 'n']);
  });

  test('apply() txn that fails a check changes nothing', () => {
    const state = machine();
    const request: TxnRequest = {
      compare: [],
      success: [
        { type: 'put', request: { key: bytes('x'), value: bytes('1') } },
        { type: 'put', request: { key: bytes('y'), value: bytes('1'), lease: 5 } },
      ],
      failure: [],
    };
    const outcome = apply(state, { type: 'txn', request });
    expect(outcome.type === 'error' && outcome.error.is('leaseNotFound')).toBe(true);
    expect([state.store.currentRevision, range(state, all).count]).toEqual([1, 0]);
  });

  test('apply() lease grant, attach, revoke deletes keys; lease ids come from the request id when absent', () => {
    const state = machine();
    const grant = ok(
      state.applier.apply({ type: 'leaseGrant', request: { ttlSeconds: 1 } }, { ...context, requestId: 77 }),
    );
    expect(
      grant.response.type === 'leaseGrant' && [
        grant.response.response.id,
        grant.response.response.ttlSeconds,
      ],
    ).toEqual([77, 2]);
    const duplicate = apply(state, { type: 'leaseGrant', request: { id: 77, ttlSeconds: 5 } });
    expect(duplicate.type === 'error' && duplicate.error.message).toBe('etcdserver: lease already exists');
    put(state, 'leased', 'v', 77);
    ok(apply(state, { type: 'leaseRevoke', request: { id: 77 } }));
    expect(range(state, { key: bytes('leased') }).count).toBe(0);
    expect(state.store.currentRevision).toBe(3);
    const missing = apply(state, { type: 'leaseRevoke', request: { id: 77 } });
    expect(missing.type === 'error' && missing.error.message).toBe('etcdserver: requested lease not found');
  });

  test.prop([fc.array(fc.tuple(fc.nat(4), fc.nat(3), fc.nat(5)), { maxLength: 40 })], { seed, numRuns })(
    'StateMachine is deterministic and its snapshot restores to identical state',
    (steps) => {
      const requests: ApplyRequest[] = steps.map(([kind, key, number]): ApplyRequest => {
        const name = bytes(`k${key}`);
        if (kind === 0)
          return { type: 'put', request: { key: name, value: bytes(`${number}`), lease: number % 3 } };
        if (kind === 1)
          return {
            type: 'deleteRange',
            request: { key: name, rangeEnd: number === 0 ? new Uint8Array([0]) : undefined },
          };
        if (kind === 2) return { type: 'leaseGrant', request: { id: number + 1, ttlSeconds: 10 } };
        if (kind === 3) return { type: 'leaseRevoke', request: { id: number + 1 } };
        return { type: 'compaction', request: { revision: number } };
      });
      const [first, second] = [machine(), machine()];
      const answers = [first, second].map((state) =>
        requests.map((request) => describeOutcome(apply(state, request))),
      );
      expect(answers[1]).toEqual(answers[0]);
      const snapshot = first.snapshot();
      expect(second.snapshot()).toEqual(snapshot);
      const restored = machine();
      restored.restore(snapshot, 0);
      expect(restored.snapshot()).toEqual(snapshot);
      expect(range(restored, all)).toEqual(range(first, all));
      expect(restored.lessor.leaseIds()).toEqual(first.lessor.leaseIds());
    },
  );
});

function describeOutcome(outcome: ApplyOutcome): string {
  return outcome.type === 'error'
    ? `error ${outcome.error.message}`
    : JSON.stringify(outcome.response, replacer);
}

function replacer(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? text(value) : value;
}

describe('StateMachine.applyEntryData', () => {
  test('StateMachine.applyEntryData() decodes and applies a request, and refuses garbage without change', () => {
    const state = machine();
    const data = encodeRaftRequest({
      id: 42,
      request: { type: 'put', request: { key: bytes('k'), value: bytes('v') } },
    });
    const applied = state.applyEntryData(data, context);
    expect([applied.id, applied.outcome.type, state.store.currentRevision]).toEqual([42, 'ok', 2]);
    const garbage = state.applyEntryData(new Uint8Array([0xff, 0xff]), context);
    expect(garbage.outcome.type === 'error' && garbage.outcome.error.kind).toBe('invalidRequest');
    expect(state.store.currentRevision).toBe(2);
  });
});
