// Always-on assertions for what can only be a programmer error. They throw an
// AssertionError that nothing in the product catches: a broken invariant stops the
// node loudly instead of letting it run on with corrupt state.

export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) {
    throw new AssertionError(typeof message === 'function' ? message() : message);
  }
}
