// Byte-wise key ordering and etcd's key-range conventions, shared by the store, the watch
// hub and the lessor: an absent or empty range end names one key, a single zero byte names
// every key at or above `key`, anything else the half-open range [key, rangeEnd).

/** Lexicographic order of unsigned bytes, as Go's bytes.Compare. */
export function compareBytes(left: Uint8Array, right: Uint8Array): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const difference = left[index]! - right[index]!;
    if (difference !== 0) return difference < 0 ? -1 : 1;
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}

export function bytesEqual(left: Uint8Array, right: Uint8Array): boolean {
  return compareBytes(left, right) === 0;
}

/** A resolved key range: one key, every key from `key` on, or [key, end). */
export type KeyRange =
  | { readonly type: 'single'; readonly key: Uint8Array }
  | { readonly type: 'fromKey'; readonly key: Uint8Array }
  | { readonly type: 'interval'; readonly key: Uint8Array; readonly end: Uint8Array };

export function keyRange(key: Uint8Array, rangeEnd?: Uint8Array): KeyRange {
  if (rangeEnd === undefined || rangeEnd.length === 0) return { type: 'single', key };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { type: 'fromKey', key };
  return { type: 'interval', key, end: rangeEnd };
}

export function rangeContains(range: KeyRange, key: Uint8Array): boolean {
  switch (range.type) {
    case 'single':
      return bytesEqual(range.key, key);
    case 'fromKey':
      return compareBytes(key, range.key) >= 0;
    case 'interval':
      return compareBytes(key, range.key) >= 0 && compareBytes(key, range.end) < 0;
  }
}

/** The range end that selects every key starting with `prefix` (etcd's GetPrefixRangeEnd). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let index = prefix.length - 1; index >= 0; index--) {
    if (prefix[index]! < 0xff) {
      const end = prefix.slice(0, index + 1);
      end[index]! += 1;
      return end;
    }
  }
  // Every byte is 0xff: no finite end exists, so the prefix means "from this key on".
  return new Uint8Array([0]);
}

/** A map key for a byte string (latin1 keeps every byte distinct and ordered alike). */
export function bytesToMapKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
