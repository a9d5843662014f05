// Segment file names, etcd style: `%016x-%016x.wal`, the segment's sequence number and
// the index of the first entry it was opened for. Sorting names sorts segments.

const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;

export interface SegmentName {
  readonly sequence: number;
  readonly firstIndex: number;
}

export function formatSegmentName(segment: SegmentName): string {
  return `${hex16(segment.sequence)}-${hex16(segment.firstIndex)}.wal`;
}

/** The parsed name, or undefined for a file that is not a segment (temp files, others). */
export function parseSegmentName(name: string): SegmentName | undefined {
  const match = SEGMENT_NAME.exec(name);
  if (match === null) return undefined;
  const sequence = Number.parseInt(match[1]!, 16);
  const firstIndex = Number.parseInt(match[2]!, 16);
  if (!Number.isSafeInteger(sequence) || !Number.isSafeInteger(firstIndex)) return undefined;
  return { sequence, firstIndex };
}

export function hex16(value: number): string {
  return value.toString(16).padStart(16, '0');
}

export function hex8(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
