// How big an entry counts as for batching limits, and the one trimming rule every
// batch follows: stop before the limit is passed, but always keep the first entry so
// that an entry larger than the limit still moves.

import type { Entry } from './types.js';

/** Fixed cost per entry (term, index, type) on top of its payload. */
export const entryOverheadBytes = 16;

export function entrySizeBytes(entry: Entry): number {
  return entry.data.byteLength + entryOverheadBytes;
}

export function payloadSizeBytes(entries: readonly Entry[]): number {
  let total = 0;
  for (const entry of entries) total += entry.data.byteLength;
  return total;
}

/** The longest prefix of `entries` within `maxSizeBytes`, never empty when `entries` is not. */
export function limitSize(entries: readonly Entry[], maxSizeBytes: number): Entry[] {
  if (entries.length === 0) return [];
  let size = entrySizeBytes(entries[0] as Entry);
  let count = 1;
  while (count < entries.length) {
    size += entrySizeBytes(entries[count] as Entry);
    if (size > maxSizeBytes) break;
    count++;
  }
  return entries.slice(0, count);
}
