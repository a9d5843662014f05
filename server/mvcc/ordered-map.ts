// An ordered map from byte-string keys to values: a skip list with O(log n) expected
// lookup, insert and delete, and ordered scans from any key. The tower heights come from a
// fixed-seed generator, so the structure (and its cost) is the same on every run; they
// never affect what the map returns.

import { assert } from '../assert.js';
import { Xoshiro128 } from '../ports/random.js';
import { compareBytes } from './key-range.js';

/** Tallest tower; 2^24 keys stay O(log n) with a promotion chance of 1/2. */
const levelMax = 24;

interface SkipNode<Value> {
  readonly key: Uint8Array;
  value: Value;
  readonly next: (SkipNode<Value> | undefined)[];
}

export class OrderedMap<Value> {
  private readonly head: SkipNode<Value>;
  private readonly levels = new Xoshiro128(0x5eed);
  private level = 1;
  private count = 0;
  /** Scratch for `predecessors()`, reused so that a write allocates only its new node. */
  private readonly previous: SkipNode<Value>[];

  constructor() {
    this.head = {
      key: new Uint8Array(0),
      value: undefined as Value,
      next: new Array(levelMax).fill(undefined),
    };
    this.previous = new Array(levelMax).fill(this.head);
  }

  get size(): number {
    return this.count;
  }

  get(key: Uint8Array): Value | undefined {
    const node = this.firstAtOrAbove(key);
    return node !== undefined && compareBytes(node.key, key) === 0 ? node.value : undefined;
  }

  set(key: Uint8Array, value: Value): void {
    const previous = this.predecessors(key);
    const found = previous[0]!.next[0];
    if (found !== undefined && compareBytes(found.key, key) === 0) {
      found.value = value;
      return;
    }
    const height = this.randomHeight();
    while (this.level < height) previous[this.level++] = this.head;
    const node: SkipNode<Value> = { key: key.slice(), value, next: new Array(height).fill(undefined) };
    for (let level = 0; level < height; level++) {
      node.next[level] = previous[level]!.next[level];
      previous[level]!.next[level] = node;
    }
    this.count++;
  }

  delete(key: Uint8Array): boolean {
    const previous = this.predecessors(key);
    const found = previous[0]!.next[0];
    if (found === undefined || compareBytes(found.key, key) !== 0) return false;
    for (let level = 0; level < found.next.length; level++) {
      assert(previous[level]!.next[level] === found, 'skip list predecessor out of date');
      previous[level]!.next[level] = found.next[level];
    }
    while (this.level > 1 && this.head.next[this.level - 1] === undefined) this.level--;
    this.count--;
    return true;
  }

  /** Entries with key >= `from` (every entry when omitted) in ascending key order. */
  *entriesFrom(from?: Uint8Array): IterableIterator<[Uint8Array, Value]> {
    let node = from === undefined ? this.head.next[0] : this.firstAtOrAbove(from);
    while (node !== undefined) {
      yield [node.key, node.value];
      node = node.next[0];
    }
  }

  private firstAtOrAbove(key: Uint8Array): SkipNode<Value> | undefined {
    let node = this.head;
    for (let level = this.level - 1; level >= 0; level--) {
      for (
        let next = node.next[level];
        next !== undefined && compareBytes(next.key, key) < 0;
        next = node.next[level]
      ) {
        node = next;
      }
    }
    return node.next[0];
  }

  /** For each level, the last node whose key is below `key` (valid until the next call). */
  private predecessors(key: Uint8Array): SkipNode<Value>[] {
    const previous = this.previous;
    previous.fill(this.head);
    let node = this.head;
    for (let level = this.level - 1; level >= 0; level--) {
      for (
        let next = node.next[level];
        next !== undefined && compareBytes(next.key, key) < 0;
        next = node.next[level]
      ) {
        node = next;
      }
      previous[level] = node;
    }
    return previous;
  }

  private randomHeight(): number {
    let height = 1;
    while (height < levelMax && (this.levels.nextUint32() & 1) === 1) height++;
    return height;
  }
}
