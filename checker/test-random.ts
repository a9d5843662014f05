// A tiny seeded generator for tests and benches that must not reach outside checker/
// (the boundary test forbids importing server/ports). Not for simulation: use the Random port.
import type { CheckerRandom } from './simulate.js';

export function seededRandom(seed: number): CheckerRandom {
  let x = seed >>> 0 || 0x9e3779b9;
  const next = (): number => {
    // xorshift32: enough spread for test data; bias from the modulo is irrelevant here.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return { intBelow: (bound: number) => next() % bound };
}
