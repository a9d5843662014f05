// Known-verdict histories for every model: each case is a small story a reader can check by hand.
import { describe, expect, test } from 'vitest';
import { checkHistory } from './check.js';
import type { History } from './history.js';
import { HistoryBuilder } from './history-builder.js';

function verdict(model: string, history: History) {
  return checkHistory(history, { model }).valid;
}

describe('checkHistory() with the register model', () => {
  test('checkHistory() accepts the empty history', () => {
    expect(verdict('register', [])).toBe(true);
  });

  test('checkHistory() rejects a stale read after a completed write', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .ok(0, 'write', { value: 1 })
      .invoke(0, 'write', { value: 2 })
      .ok(0, 'write', { value: 2 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 }).history;
    const result = checkHistory(history, { model: 'register' });
    expect(result.valid).toBe(false);
    expect(result.explanation?.sentence).toBe(
      'the read of the register that returned 1, but the state is value 2 after the write of 2 to the register, which had completed before the read began',
    );
    expect(result.explanation?.couldNotPlace.map((stuck) => stuck.stepOk)).toEqual([false]);
  });

  test('checkHistory() accepts a read concurrent with a write returning either value', () => {
    const base = new HistoryBuilder().invoke(0, 'write', { value: 1 }).ok(0, 'write', { value: 1 });
    const history = base
      .invoke(0, 'write', { value: 2 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 })
      .ok(0, 'write', {
        value: 2,
      }).history;
    expect(verdict('register', history)).toBe(true);
  });

  test('checkHistory() rejects a real-time order violation: a read sees a write invoked after the read returned', () => {
    const history = new HistoryBuilder()
      .invoke(1, 'read')
      .ok(1, 'read', { value: 2 })
      .invoke(0, 'write', { value: 2 })
      .ok(0, 'write', { value: 2 }).history;
    expect(verdict('register', history)).toBe(false);
  });

  test('checkHistory() accepts a crashed write that later becomes visible', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .info(0, 'write', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: null })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 }).history;
    expect(verdict('register', history)).toBe(true);
  });

  test('checkHistory() rejects a crashed write that is seen and then unseen', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .info(0, 'write', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: null }).history;
    expect(verdict('register', history)).toBe(false);
  });

  test('checkHistory() ignores failed writes and rejects reads of their value', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 1 })
      .fail(0, 'write', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 1 }).history;
    expect(verdict('register', history)).toBe(false);
  });

  test('checkHistory() rejects an operation the register model does not know without searching every order', () => {
    // Twelve concurrent writes would take 12! orders to rule out one by one.
    let builder = new HistoryBuilder();
    for (let process = 0; process < 12; process++)
      builder = builder.invoke(process, 'write', { value: process });
    builder = builder.invoke(12, 'cas', { value: [1, 2] }).ok(12, 'cas', { value: [1, 2] });
    for (let process = 0; process < 12; process++) builder = builder.ok(process, 'write', { value: process });
    const result = checkHistory(builder.history, { model: 'register' });
    expect(result.valid).toBe(false);
    expect(result.explanation?.couldNotPlace.map((stuck) => stuck.operation.f)).toContain('cas');
    expect(verdict('cas-register', builder.history)).toBe(true);
  });

  test('checkHistory() checks keys independently and names the failing key', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { key: 'a', value: 1 })
      .ok(0, 'write', { key: 'a', value: 1 })
      .invoke(1, 'read', { key: 'b' })
      .ok(1, 'read', { key: 'b', value: 1 }).history;
    const result = checkHistory(history, { model: 'register' });
    expect(result.valid).toBe(false);
    expect(result.explanation?.partition).toBe('b');
    // "b" reads a value nobody wrote: surely invalid, so it is searched first and alone.
    expect(result.partitions.map((partition) => partition.name)).toEqual(['b']);
  });
});

describe('checkHistory() with the cas-register model', () => {
  test('checkHistory() rejects a lost update: two cas from the same value both succeed', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 0 })
      .ok(0, 'write', { value: 0 })
      .invoke(1, 'cas', { value: [0, 1] })
      .invoke(2, 'cas', { value: [0, 2] })
      .ok(1, 'cas', { value: [0, 1] })
      .ok(2, 'cas', { value: [0, 2] }).history;
    expect(verdict('cas-register', history)).toBe(false);
  });

  test('checkHistory() accepts a cas chain', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'write', { value: 0 })
      .ok(0, 'write', { value: 0 })
      .invoke(1, 'cas', { value: [0, 1] })
      .invoke(2, 'cas', { value: [1, 2] })
      .ok(2, 'cas', { value: [1, 2] })
      .ok(1, 'cas', { value: [0, 1] })
      .invoke(1, 'read')
      .ok(1, 'read', { value: 2 }).history;
    expect(verdict('cas-register', history)).toBe(true);
  });

  test('checkHistory() rejects a cas for the register model, which has none', () => {
    const history = new HistoryBuilder()
      .invoke(1, 'cas', { value: [null, 1] })
      .ok(1, 'cas', { value: [null, 1] }).history;
    expect(verdict('register', history)).toBe(false);
    expect(verdict('cas-register', history)).toBe(true);
  });
});

describe('checkHistory() with the kv model', () => {
  test('checkHistory() rejects a lost append', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'append', { key: 'k1', value: 'x' })
      .ok(0, 'append', { key: 'k1', value: 'x' })
      .invoke(0, 'append', { key: 'k1', value: 'y' })
      .ok(0, 'append', { key: 'k1', value: 'y' })
      .invoke(1, 'get', { key: 'k1' })
      .ok(1, 'get', { key: 'k1', value: 'y' }).history;
    expect(verdict('kv', history)).toBe(false);
  });

  test('checkHistory() accepts concurrent appends seen in either order', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'append', { key: 'k1', value: 'x' })
      .invoke(1, 'append', { key: 'k1', value: 'y' })
      .ok(0, 'append', { key: 'k1', value: 'x' })
      .ok(1, 'append', { key: 'k1', value: 'y' })
      .invoke(2, 'get', { key: 'k1' })
      .ok(2, 'get', { key: 'k1', value: 'yx' })
      .invoke(2, 'cas', { key: 'k1', value: ['yx', 'z'] })
      .ok(2, 'cas', { key: 'k1', value: ['yx', 'z'] })
      .invoke(3, 'put', { key: 'k2', value: 'w' })
      .ok(3, 'put', { key: 'k2', value: 'w' }).history;
    expect(verdict('kv', history)).toBe(true);
  });

  test('checkHistory() blames the get whose text no order of the appends gives, not an append before it', () => {
    // The kv model rules out placements after which the get can no longer fit; the prefix
    // that ends in such a dead end still counts as linearizable for the explanation.
    const history = new HistoryBuilder()
      .invoke(0, 'put', { key: 'k', value: 'a' })
      .ok(0, 'put', { key: 'k', value: 'a' })
      .invoke(0, 'append', { key: 'k', value: 'b' })
      .ok(0, 'append', { key: 'k', value: 'b' })
      .invoke(1, 'get', { key: 'k' })
      .ok(1, 'get', { key: 'k', value: 'ax' }).history;
    const result = checkHistory(history, { model: 'kv' });
    expect(result.valid).toBe(false);
    expect(result.explanation?.sentence).toBe(
      'the get of k that returned "ax", but the state is value "ab" after the append of "b" to k, which had completed before the get began (partition k)',
    );
    expect(result.explanation?.couldNotPlace.map((stuck) => stuck.operation.f)).toEqual(['get']);
  });
});

describe('checkHistory() with the etcd model', () => {
  test('checkHistory() accepts revisions consistent with the order', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'put', { key: 'a', value: '1' })
      .ok(0, 'put', { key: 'a', value: { revision: 2 } })
      .invoke(1, 'get', { key: 'a' })
      .ok(1, 'get', { key: 'a', value: { value: '1', revision: 2 } })
      .invoke(1, 'delete', { key: 'a' })
      .ok(1, 'delete', { key: 'a', value: { deleted: 1, revision: 3 } })
      .invoke(0, 'txn', {
        value: {
          compare: [{ key: 'a', value: null }],
          success: [{ f: 'put', key: 'b', value: '2' }],
          failure: [],
        },
      })
      .ok(0, 'txn', { value: { succeeded: true, revision: 4 } }).history;
    expect(verdict('etcd', history)).toBe(true);
  });

  test('checkHistory() rejects revisions that go backwards', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'put', { key: 'a', value: '1' })
      .ok(0, 'put', { key: 'a', value: { revision: 3 } })
      .invoke(0, 'put', { key: 'b', value: '1' })
      .ok(0, 'put', { key: 'b', value: { revision: 2 } }).history;
    expect(verdict('etcd', history)).toBe(false);
  });

  test('checkHistory() rejects a txn whose compare outcome contradicts the state', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'put', { key: 'a', value: '1' })
      .ok(0, 'put', { key: 'a', value: { revision: 2 } })
      .invoke(0, 'txn', { value: { compare: [{ key: 'a', value: '1' }], success: [], failure: [] } })
      .ok(0, 'txn', { value: { succeeded: false, revision: 2 } }).history;
    expect(verdict('etcd', history)).toBe(false);
  });
});

describe('checkHistory() with the set model', () => {
  test('checkHistory() rejects a read missing an acknowledged add', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'add', { value: 1 })
      .ok(0, 'add', { value: 1 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: [] }).history;
    expect(verdict('set', history)).toBe(false);
  });

  test('checkHistory() accepts a read that includes a crashed add', () => {
    const history = new HistoryBuilder()
      .invoke(0, 'add', { value: 1 })
      .info(0, 'add', { value: 1 })
      .invoke(1, 'add', { value: 2 })
      .ok(1, 'add', { value: 2 })
      .invoke(1, 'read')
      .ok(1, 'read', { value: [2, 1] }).history;
    expect(verdict('set', history)).toBe(true);
  });
});
