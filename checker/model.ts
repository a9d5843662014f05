// What a linearizability model is: a record of pure functions, after Porcupine's API.
// Adding a model is one file in models/ and one line in models/index.ts.
import type { Operation } from './history.js';

export type StepResult<State> = { ok: true; next: State } | { ok: false };

export interface Model<State> {
  readonly name: string;
  init(): State;
  /**
   * Applies `operation` to `state`. A crashed operation has `output === undefined`:
   * the step must accept any output then (the operation can also be left out entirely,
   * which the search does on its own).
   */
  step(state: State, operation: Operation): StepResult<State>;
  /** True for operations that never change the state; crashed ones are then dropped. */
  isReadOnly?(operation: Operation): boolean;
  /**
   * Removes crashed operations whose effect nobody could have observed, within one
   * partition: leaving them out never changes the verdict, and each one left in doubles
   * the search space. Optional.
   */
  prune?(operations: Operation[]): Operation[];
  /**
   * A cheap proof that a partition has no linearization: an operation no order can place
   * (undefined when unsure; never a false alarm). Such partitions are searched first, alone,
   * so a violation is found without searching the rest. Optional.
   */
  surelyStuck?(operations: Operation[]): Operation | undefined;
  /**
   * False only when no order of some of `window`'s operations (unlinearized calls) leads
   * from `state` to a state where `target` fits: the search then backtracks at once
   * instead of trying the orders one by one. `target` is the operation whose return comes
   * first among those not linearized yet, so it must be linearized before any later call.
   * Optional; true when unsure.
   */
  couldReach?(state: State, target: Operation, window: readonly Operation[]): boolean;
  /** A canonical key: two states are equal exactly when their hashes are equal. */
  hash(state: State): string | number;
  /** Splits operations into independently checkable groups (P-compositionality). */
  partition?(operations: Operation[]): Array<{ name: string; operations: Operation[] }>;
  describeOperation(operation: Operation): string;
  describeState(state: State): string;
}

/** How a history's source treats values the history leaves implicit. */
export interface ModelOptions {
  /** The value of a register or key nobody wrote yet; null unless the format says otherwise. */
  initialValue?: unknown;
}

export type ModelFactory = (options: ModelOptions) => Model<unknown>;

/** A JSON-ish canonical string for values, used by hash() and describe*(). */
export function show(value: unknown): string {
  if (value === undefined) return 'unknown';
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** Deep equality for JSON values (numbers, strings, null, arrays, plain objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Groups operations by their key; operations without a key share one group. */
export function partitionByKey(operations: Operation[]): Array<{ name: string; operations: Operation[] }> {
  const groups = new Map<string, Operation[]>();
  for (const operation of operations) {
    const name = operation.key ?? '';
    let group = groups.get(name);
    if (group === undefined) groups.set(name, (group = []));
    group.push(operation);
  }
  return [...groups].map(([name, group]) => ({ name, operations: group }));
}

/**
 * Register-like pruning: a crashed write of v can be left out when no read returned v,
 * no cas expected v and nothing derives a new value from the current one (appends).
 * Then every linearization that includes it still works without it.
 */
export function pruneUnobservedWrites(
  operations: Operation[],
  options: { writes: ReadonlySet<string>; reads: ReadonlySet<string>; derives: ReadonlySet<string> },
): Operation[] {
  if (!operations.some((operation) => operation.crashed)) return operations;
  if (operations.some((operation) => options.derives.has(operation.f))) return operations;
  const observed = new Set<string>();
  for (const operation of operations) {
    if (options.reads.has(operation.f) && !operation.crashed) observed.add(show(operation.output));
    if (operation.f === 'cas') observed.add(show((operation.input as [unknown, unknown])[0]));
  }
  return operations.filter(
    (operation) =>
      !(operation.crashed && options.writes.has(operation.f) && !observed.has(show(operation.input))),
  );
}
