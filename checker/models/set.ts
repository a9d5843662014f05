// A grow-only set: add(value) and read() -> every element added so far, in any order.
import type { Operation } from '../history.js';
import { type Model, type StepResult, show } from '../model.js';

type SetState = readonly string[];

function canonical(values: unknown[]): string[] {
  return [...new Set(values.map((value) => show(value)))].sort();
}

export function setModel(): Model<unknown> {
  return {
    name: 'set',
    init: (): SetState => [],
    step(state: unknown, operation: Operation): StepResult<unknown> {
      const elements = state as SetState;
      if (operation.f === 'add') {
        const element = show(operation.input);
        if (elements.includes(element)) return { ok: true, next: elements };
        return { ok: true, next: [...elements, element].sort() };
      }
      if (operation.f === 'read') {
        if (operation.output === undefined) return { ok: true, next: elements };
        if (!Array.isArray(operation.output)) return { ok: false };
        const seen = canonical(operation.output);
        const same = seen.length === elements.length && seen.every((element, i) => element === elements[i]);
        return same ? { ok: true, next: elements } : { ok: false };
      }
      return { ok: false };
    },
    isReadOnly: (operation: Operation) => operation.f === 'read',
    hash: (state: unknown) => (state as SetState).join('\u0000'),
    describeOperation: (operation: Operation) =>
      operation.f === 'add'
        ? `the add of ${show(operation.input)}`
        : `the read that returned ${show(operation.output)}`,
    describeState: (state: unknown) => `set {${(state as SetState).join(', ')}}`,
  };
}
