// Generates histories of a correct (linearizable) register or KV store with random
// concurrency, failures and crashes, for property tests and the benchmark. Each
// operation takes effect at one random moment between its invoke and its completion;
// a crashed operation may take effect or not. Randomness is injected.
import type { History, HistoryEvent } from './history.js';

/** The part of the Random port the generator needs (server/ports/random.ts fits). */
export interface CheckerRandom {
  intBelow(bound: number): number;
}

export interface SimulateOptions {
  kind: 'register' | 'kv';
  clients: number;
  operations: number;
  /** Keys in use (kv); the register has one. Default 1 for register, 8 for kv. */
  keys?: number;
  /** Percent of operations that crash (info). Default 0. */
  crashPercent?: number;
  /** Percent of operations that fail without effect. Default 0. */
  failPercent?: number;
}

interface Pending {
  process: number;
  f: string;
  key: string | undefined;
  value: unknown;
  applied: boolean;
  output: unknown;
  crashes: boolean;
  fails: boolean;
}

export function simulateHistory(random: CheckerRandom, options: SimulateOptions): History {
  const keyCount = options.keys ?? (options.kind === 'register' ? 1 : 8);
  const state = new Map<string, unknown>();
  const history: History = [];
  const pending: Array<Pending | undefined> = new Array(options.clients).fill(undefined);
  const processOf = Array.from({ length: options.clients }, (_, i) => i);
  let invoked = 0;
  let nextValue = 1;
  const emit = (event: Omit<HistoryEvent, 'index' | 'time'>): void => {
    const index = history.length;
    const full: HistoryEvent = { index, time: index, ...event };
    if (full.key === undefined) delete full.key;
    history.push(full);
  };
  const stepsMax = options.operations * 8 + 100;
  for (let step = 0; step < stepsMax; step++) {
    const client = random.intBelow(options.clients);
    const op = pending[client];
    if (op === undefined) {
      if (invoked >= options.operations) {
        if (pending.every((item) => item === undefined)) break;
        continue;
      }
      invoked++;
      const key = options.kind === 'register' ? undefined : `k${random.intBelow(keyCount)}`;
      const roll = random.intBelow(100);
      const isRead = roll < 50;
      const f =
        options.kind === 'register'
          ? isRead
            ? 'read'
            : 'write'
          : isRead
            ? 'get'
            : roll < 75
              ? 'put'
              : 'append';
      const value = isRead ? null : options.kind === 'register' ? nextValue++ : `v${nextValue++} `;
      const crashes = random.intBelow(100) < (options.crashPercent ?? 0);
      const fails = !crashes && !isRead && random.intBelow(100) < (options.failPercent ?? 0);
      const next: Pending = {
        process: processOf[client]!,
        f,
        key,
        value,
        applied: false,
        output: null,
        crashes,
        fails,
      };
      pending[client] = next;
      emit({ process: next.process, type: 'invoke', f, key, value });
      continue;
    }
    if (!op.applied && !op.fails && random.intBelow(2) === 0) {
      const stateKey = op.key ?? '';
      const current = state.get(stateKey) ?? null;
      if (op.f === 'read' || op.f === 'get') op.output = current;
      else if (op.f === 'append')
        state.set(stateKey, current === null ? op.value : String(current) + String(op.value));
      else state.set(stateKey, op.value);
      op.applied = true;
      continue;
    }
    if (op.crashes) {
      // Jepsen gives a crashed client's next operations a fresh process number.
      emit({
        process: op.process,
        type: 'info',
        f: op.f,
        key: op.key,
        value: op.f === 'read' || op.f === 'get' ? null : op.value,
      });
      processOf[client] = processOf[client]! + options.clients;
      pending[client] = undefined;
      continue;
    }
    if (op.fails) {
      emit({ process: op.process, type: 'fail', f: op.f, key: op.key, value: op.value });
      pending[client] = undefined;
      continue;
    }
    if (!op.applied) continue;
    const isRead = op.f === 'read' || op.f === 'get';
    emit({ process: op.process, type: 'ok', f: op.f, key: op.key, value: isRead ? op.output : op.value });
    pending[client] = undefined;
  }
  return history;
}

/**
 * Makes one ok read return the initial value (null) although a write to the same key
 * had completed before the read began: a stale read no linearization explains. Returns
 * undefined when the history has no such read. Values are never written twice and
 * never null, so the result is always invalid.
 */
export function injectStaleRead(history: History, random: CheckerRandom): History | undefined {
  const isRead = (event: HistoryEvent): boolean => event.f === 'read' || event.f === 'get';
  const firstWriteOk = new Map<string, number>();
  for (const event of history) {
    const key = event.key ?? '';
    if (event.type === 'ok' && !isRead(event) && !firstWriteOk.has(key)) firstWriteOk.set(key, event.index);
  }
  const invokeOf = new Map<number | string, HistoryEvent>();
  const candidates: number[] = [];
  for (let i = 0; i < history.length; i++) {
    const event = history[i]!;
    if (event.type === 'invoke') {
      invokeOf.set(event.process, event);
      continue;
    }
    const invoke = invokeOf.get(event.process);
    const written = firstWriteOk.get(event.key ?? '');
    if (
      event.type === 'ok' &&
      isRead(event) &&
      invoke !== undefined &&
      written !== undefined &&
      written < invoke.index
    ) {
      candidates.push(i);
    }
  }
  if (candidates.length === 0) return undefined;
  const chosen = candidates[random.intBelow(candidates.length)]!;
  return history.map((event, i) => (i === chosen ? { ...event, value: null } : event));
}
