// The Random port: the only source of randomness in server/, sim/, checker/ and the
// generators. One seeded algorithm (xoshiro128**, Blackman & Vigna 2018) serves every
// mode; real mode seeds it from the OS, sim mode from the run's seed, so one seed
// drives the whole simulated world.

import { assert } from '../assert.js';

export interface Random {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniform integer in [0, bound), bound a positive safe integer up to 2^32. */
  intBelow(bound: number): number;
  /** A uniform integer in [min, max], both inclusive. */
  intBetween(min: number, max: number): number;
  /** True with probability numerator/denominator (integer ratios keep runs exact). */
  chance(numerator: number, denominator: number): boolean;
  /** A new independent generator derived from this one (for a sub-component). */
  fork(): Random;
}

/** xoshiro128**: 128 bits of state, period 2^128 - 1, fast in 32-bit integer arithmetic. */
export class Xoshiro128 implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number | bigint) {
    // splitmix32 expands the seed so that nearby seeds give unrelated streams.
    let x = Number(BigInt.asUintN(32, BigInt(seed))) ^ Number(BigInt.asUintN(32, BigInt(seed) >> 32n));
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    assert((this.s0 | this.s1 | this.s2 | this.s3) !== 0, 'xoshiro state must not be all zero');
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  intBelow(bound: number): number {
    assert(Number.isSafeInteger(bound) && bound > 0 && bound <= 2 ** 32, () => `bad bound ${bound}`);
    // Rejection sampling removes the modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % bound;
    }
  }

  intBetween(min: number, max: number): number {
    assert(max >= min, () => `intBetween(${min}, ${max}): max below min`);
    return min + this.intBelow(max - min + 1);
  }

  chance(numerator: number, denominator: number): boolean {
    assert(denominator > 0 && numerator >= 0, () => `bad ratio ${numerator}/${denominator}`);
    if (numerator >= denominator) return true;
    return this.intBelow(denominator) < numerator;
  }

  fork(): Random {
    return new Xoshiro128((BigInt(this.nextUint32()) << 32n) | BigInt(this.nextUint32()));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
