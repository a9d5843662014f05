// etcd's KV semantics with revisions: put/get/delete on keys and txn(compare, success,
// failure). The store revision starts at 1 (etcd's empty store) and grows by one for
// each request that changes something; every response carries the store revision after
// the request. Responses whose revisions disagree with the order cannot be linearized.
// Revisions make all keys one object, so this model does not partition.
import type { Operation } from '../history.js';
import { type Model, type ModelOptions, type StepResult, sameValue, show } from '../model.js';

export interface EtcdState {
  revision: number;
  values: Readonly<Record<string, unknown>>;
}

export interface EtcdRequest {
  f: 'put' | 'get' | 'delete';
  key: string;
  value?: unknown;
}

export interface EtcdTxnInput {
  /** Each compare holds when the key's value equals `value` (null = key absent). */
  compare: Array<{ key: string; value: unknown }>;
  success: EtcdRequest[];
  failure: EtcdRequest[];
}

interface Response {
  revision?: number;
  value?: unknown;
  deleted?: number;
  succeeded?: boolean;
  results?: unknown[];
}

function responseOf(output: unknown): Response | undefined {
  if (output === undefined) return undefined;
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return { value: output };
  return output as Response;
}

/** Applies requests in order, as one revision; returns the next state and get results. */
function apply(state: EtcdState, requests: EtcdRequest[]): { next: EtcdState; results: unknown[] } {
  let values = state.values;
  let changed = false;
  const results: unknown[] = [];
  for (const request of requests) {
    if (request.f === 'get') {
      results.push(values[request.key] ?? null);
    } else if (request.f === 'put') {
      values = { ...values, [request.key]: request.value };
      changed = true;
    } else if (values[request.key] !== undefined) {
      const { [request.key]: _removed, ...rest } = values;
      values = rest;
      changed = true;
      results.push(1);
    } else {
      results.push(0);
    }
  }
  return { next: changed ? { revision: state.revision + 1, values } : state, results };
}

function matches(response: Response | undefined, next: EtcdState, expected: Partial<Response>): boolean {
  if (response === undefined) return true;
  if (response.revision !== undefined && response.revision !== next.revision) return false;
  for (const [field, value] of Object.entries(expected)) {
    const seen = response[field as keyof Response];
    if (seen !== undefined && !sameValue(seen, value)) return false;
  }
  return true;
}

function step(state: EtcdState, operation: Operation): StepResult<EtcdState> {
  const response = responseOf(operation.output);
  const key = operation.key ?? '';
  if (operation.f === 'txn') {
    const input = operation.input as EtcdTxnInput;
    const succeeded = input.compare.every((compare) =>
      sameValue(state.values[compare.key] ?? null, compare.value),
    );
    const { next, results } = apply(state, succeeded ? input.success : input.failure);
    return matches(response, next, { succeeded, results }) ? { ok: true, next } : { ok: false };
  }
  if (operation.f !== 'get' && operation.f !== 'put' && operation.f !== 'delete') return { ok: false };
  const { next, results } = apply(state, [{ f: operation.f, key, value: operation.input }]);
  const expected: Partial<Response> =
    operation.f === 'get'
      ? { value: results[0] }
      : operation.f === 'delete'
        ? { deleted: results[0] as number }
        : {};
  return matches(response, next, expected) ? { ok: true, next } : { ok: false };
}

export function etcdModel(_options: ModelOptions): Model<unknown> {
  return {
    name: 'etcd',
    init: (): EtcdState => ({ revision: 1, values: {} }),
    step: (state: unknown, operation: Operation) => step(state as EtcdState, operation),
    isReadOnly: (operation: Operation) => operation.f === 'get',
    hash(state: unknown): string {
      const { revision, values } = state as EtcdState;
      const keys = Object.keys(values).sort();
      return `${revision}|${keys.map((key) => `${key}=${show(values[key])}`).join(',')}`;
    },
    describeOperation(operation: Operation): string {
      const outcome = operation.crashed ? ' (crashed)' : ` -> ${show(operation.output)}`;
      if (operation.f === 'txn') return `the txn ${show(operation.input)}${outcome}`;
      const value = operation.f === 'put' ? ` of ${show(operation.input)}` : '';
      return `the ${operation.f}${value} on ${operation.key ?? '""'}${outcome}`;
    },
    describeState(state: unknown): string {
      const { revision, values } = state as EtcdState;
      return `revision ${revision}, ${show(values)}`;
    },
  };
}
