// Elle-style transactions shared by the append and wr workloads: a txn is a list of
// micro-ops [f, key, value], drawn with distinct written keys per txn (etcd rejects a
// txn that puts one key twice: "duplicate key given in txn request").

import type { Random } from '../server/ports/random.js';

export type MicroOp = [f: string, key: string, value: unknown];

export interface MicroOpDraw {
  readonly keyCount: number;
  readonly lengthMax: number;
  /** The write micro-op's name: 'append' or 'w'. */
  readonly writeF: string;
}

/** Draws one txn; `nextValue(key)` gives a value unique per key. */
export function drawMicroOps(
  random: Random,
  draw: MicroOpDraw,
  nextValue: (key: string) => number,
): MicroOp[] {
  const length = random.intBetween(1, draw.lengthMax);
  const written = new Set<string>();
  const ops: MicroOp[] = [];
  for (let i = 0; i < length; i++) {
    const key = String(random.intBelow(draw.keyCount));
    if (random.chance(1, 2) || written.has(key)) {
      ops.push(['r', key, null]);
    } else {
      written.add(key);
      ops.push([draw.writeF, key, nextValue(key)]);
    }
  }
  return ops;
}

/** A per-key counter for unique written values. */
export function valueCounter(): (key: string) => number {
  const next = new Map<string, number>();
  return (key) => {
    const value = (next.get(key) ?? 0) + 1;
    next.set(key, value);
    return value;
  };
}
