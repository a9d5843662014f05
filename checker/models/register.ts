// Read/write register and compare-and-set register (Knossos' register and
// cas-register), one register per key when operations carry keys.
import type { Operation } from '../history.js';
import {
  type Model,
  type ModelOptions,
  partitionByKey,
  pruneUnobservedWrites,
  type StepResult,
  sameValue,
  show,
} from '../model.js';
import { findSurelyStaleRead } from '../stale-read.js';

function keyName(operation: Operation): string {
  return operation.key === undefined ? 'the register' : operation.key;
}

const registerWrites: ReadonlySet<string> = new Set(['write']);
const registerReads: ReadonlySet<string> = new Set(['read']);
const noDerives: ReadonlySet<string> = new Set();
const registerOperations: ReadonlySet<string> = new Set(['read', 'write']);
const casRegisterOperations: ReadonlySet<string> = new Set(['read', 'write', 'cas']);

function stateHash(value: unknown): string | number {
  return typeof value === 'number' ? value : show(value);
}

function createRegister(name: string, withCas: boolean, options: ModelOptions): Model<unknown> {
  const initial = options.initialValue ?? null;
  const known = withCas ? casRegisterOperations : registerOperations;
  return {
    name,
    init: () => initial,
    step(state: unknown, operation: Operation): StepResult<unknown> {
      switch (operation.f) {
        case 'read':
          if (operation.output === undefined || sameValue(operation.output, state))
            return { ok: true, next: state };
          return { ok: false };
        case 'write':
          return { ok: true, next: operation.input };
        case 'cas': {
          if (!withCas) return { ok: false };
          const pair = operation.input as [unknown, unknown];
          return sameValue(pair[0], state) ? { ok: true, next: pair[1] } : { ok: false };
        }
        default:
          return { ok: false };
      }
    },
    isReadOnly: (operation: Operation) => operation.f === 'read',
    prune: (operations: Operation[]) =>
      pruneUnobservedWrites(operations, { writes: registerWrites, reads: registerReads, derives: noDerives }),
    // An operation this model does not know (a cas in a plain register history) can never
    // be placed: say so at once instead of searching every order first.
    surelyStuck: (operations: Operation[]) =>
      operations.find((operation) => !operation.crashed && !known.has(operation.f)) ??
      findSurelyStaleRead(operations, { reads: registerReads, writes: registerWrites, initial }),
    hash: stateHash,
    partition: partitionByKey,
    describeOperation(operation: Operation): string {
      if (operation.f === 'read') {
        return operation.crashed
          ? `the crashed read of ${keyName(operation)}`
          : `the read of ${keyName(operation)} that returned ${show(operation.output)}`;
      }
      if (operation.f === 'write') return `the write of ${show(operation.input)} to ${keyName(operation)}`;
      if (operation.f === 'cas') {
        const pair = operation.input as [unknown, unknown];
        return `the cas of ${keyName(operation)} from ${show(pair[0])} to ${show(pair[1])}`;
      }
      return `the ${operation.f} of ${keyName(operation)}`;
    },
    describeState: (state: unknown) => `value ${show(state)}`,
  };
}

export const registerModel = (options: ModelOptions): Model<unknown> =>
  createRegister('register', false, options);
export const casRegisterModel = (options: ModelOptions): Model<unknown> =>
  createRegister('cas-register', true, options);
