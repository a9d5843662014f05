// Properties of the linearizability search: correct systems always pass, one stale read
// always fails, and verdicts agree with a brute-force reference on small random histories.
// Run counts: CHECKER_PROPERTY_RUNS (default 100) and CHECKER_REFERENCE_RUNS (default 10,000).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkHistory } from './check.js';
import { type History, pairOperations } from './history.js';
import { models } from './models/index.js';
import { checkByBruteForce } from './reference-checker.js';
import { injectStaleRead, simulateHistory } from './simulate.js';
import { seededRandom } from './test-random.js';

const seed = 20261124;
const runs = Number(process.env.CHECKER_PROPERTY_RUNS ?? 100);
const referenceRuns = Number(process.env.CHECKER_REFERENCE_RUNS ?? 10_000);

const simulation = fc.record({
  randomSeed: fc.integer({ min: 1, max: 2 ** 31 }),
  kind: fc.constantFrom<'register' | 'kv'>('register', 'kv'),
  clients: fc.integer({ min: 1, max: 8 }),
  operations: fc.integer({ min: 1, max: 300 }),
  crashPercent: fc.integer({ min: 0, max: 20 }),
  failPercent: fc.integer({ min: 0, max: 20 }),
});

describe('checkHistory() on simulated correct systems', () => {
  test.prop([simulation], { seed, numRuns: runs })(
    'checkHistory() finds every correct history linearizable',
    (spec) => {
      const history = simulateHistory(seededRandom(spec.randomSeed), spec);
      const model = spec.kind === 'register' ? 'register' : 'kv';
      expect(checkHistory(history, { model }).valid).toBe(true);
    },
  );

  test.prop([simulation], { seed, numRuns: runs })(
    'checkHistory() rejects a history with one injected stale read',
    (spec) => {
      const random = seededRandom(spec.randomSeed);
      const stale = injectStaleRead(simulateHistory(random, spec), random);
      fc.pre(stale !== undefined);
      const model = spec.kind === 'register' ? 'register' : 'kv';
      const result = checkHistory(stale!, { model });
      expect(result.valid).toBe(false);
      expect(result.explanation?.sentence).toMatch(/returned null/);
    },
  );
});

interface Action {
  client: number;
  f: string;
  value: number | null;
  outcome: 'ok' | 'fail' | 'info';
  output: number | null;
  key: number;
  /** What a kv-text read returned: one value or several appended. */
  text: string;
  /** A kv-text read returned the value as of its completion, not `text`. */
  honest: boolean;
}

/**
 * The histories the reference comparison draws: a cas-register; kv with numbers put and
 * appended (so states may be numbers); kv with text only (so every append extends a
 * string and the kv model's reachability pruning is exercised); the same with the empty
 * string as the initial value, as Porcupine's kv format has it.
 */
type ReferenceKind = 'cas-register' | 'kv' | 'kv-text' | 'kv-text-empty';

/** Interprets actions: an idle client invokes, a busy one completes; open invokes stay crashed. */
function historyOf(actions: Action[], kind: ReferenceKind): History {
  const isKv = kind !== 'cas-register';
  const isText = kind === 'kv-text' || kind === 'kv-text-empty';
  const open = new Map<number, Action>();
  const history: History = [];
  /** kv-text: each key's value with every write applied at its completion. */
  const actual = new Map<number, string>();
  for (const action of actions) {
    const index = history.length;
    const invoke = open.get(action.client);
    if (invoke === undefined) {
      const f = isKv
        ? ({ read: 'get', write: 'put', cas: 'append' } as Record<string, string>)[action.f]!
        : action.f;
      const written = isText && action.value !== null ? String(action.value) : action.value;
      const value =
        f === 'cas' ? [action.value, action.output] : f === 'read' || f === 'get' ? null : written;
      open.set(action.client, { ...action, f });
      const key = isKv ? { key: `k${action.key}` } : {};
      history.push({ index, time: index, process: action.client, type: 'invoke', f, value, ...key });
      continue;
    }
    open.delete(action.client);
    const isRead = invoke.f === 'read' || invoke.f === 'get';
    const last = history.findLast((event) => event.process === action.client)!;
    const value = isRead
      ? isKv && action.output !== null
        ? isText
          ? action.honest
            ? (actual.get(invoke.key) ?? (kind === 'kv-text-empty' ? '' : null))
            : action.text
          : String(action.output)
        : action.output
      : last.value;
    history.push({ ...last, index, time: index, type: action.outcome, value });
    // A write that may have happened takes effect at its completion, for the honest reads.
    if (!isRead && action.outcome !== 'fail' && typeof last.value === 'string') {
      const before = actual.get(invoke.key) ?? '';
      actual.set(invoke.key, invoke.f === 'append' ? before + last.value : last.value);
    }
  }
  return history;
}

const action = fc.record({
  client: fc.integer({ min: 0, max: 2 }),
  f: fc.constantFrom('read', 'write', 'cas'),
  value: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
  outcome: fc.constantFrom<'ok' | 'fail' | 'info'>('ok', 'ok', 'ok', 'fail', 'info'),
  output: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 4 }),
  key: fc.integer({ min: 0, max: 1 }),
  text: fc.constantFrom('0', '1', '2', '01', '10', '12', '21', '02', '012', '120', '201'),
  honest: fc.boolean(),
});

describe('checkHistory() against the brute-force reference', () => {
  for (const kind of ['cas-register', 'kv', 'kv-text', 'kv-text-empty'] as const) {
    const numRuns = kind === 'cas-register' ? referenceRuns : Math.ceil(referenceRuns / 5);
    test.prop([fc.array(action, { maxLength: 14 })], { seed, numRuns })(
      `checkHistory() agrees with checkByBruteForce() on small ${kind} histories`,
      (actions) => {
        const history = historyOf(actions, kind);
        const modelName = kind === 'cas-register' ? kind : 'kv';
        const modelOptions = kind === 'kv-text-empty' ? { initialValue: '' } : {};
        const model = models.get(modelName)!(modelOptions);
        const operations = pairOperations(history);
        // The kv model's state is one key's value, so the reference checks each key alone too.
        const groups = model.partition ? model.partition(operations) : [{ name: '', operations }];
        const expected = groups.every((group) => checkByBruteForce(model, group.operations));
        expect(checkHistory(history, { model: modelName, modelOptions }).valid).toBe(expected);
      },
    );
  }
});
