// How a promise settled, read synchronously: for tests that drive a clock or a simulated
// world step by step until a request has answered.

export type Settlement<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/**
 * Follows `promise`: the function returned says how it settled, undefined until it has.
 * The rejection is handled at once, so one that comes while the caller drives time is
 * never reported unhandled.
 */
export function followSettlement<T>(promise: Promise<T>): () => Settlement<T> | undefined {
  let settlement: Settlement<T> | undefined;
  promise.then(
    (value) => {
      settlement = { ok: true, value };
    },
    (error: unknown) => {
      settlement = { ok: false, error };
    },
  );
  return () => settlement;
}

/** The value settled with, or the rejection's error thrown again. */
export function settledValue<T>(settlement: Settlement<T>): T {
  if (settlement.ok) return settlement.value;
  throw settlement.error;
}
