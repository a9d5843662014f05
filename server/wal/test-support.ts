// Helpers shared by the WAL and snapshot tests: a logger that keeps its lines, and
// small builders for entries and snapshots.

import type { Entry, Snapshot } from '../raft/types.js';
import type { WalLogger } from './wal-errors.js';

export class MemoryLogger implements WalLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
}

export function entry(index: number, term: number, text = `e${index}`): Entry {
  return { index, term, type: 'normal', data: new TextEncoder().encode(text) };
}

export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let index = from; index <= to; index++) out.push(entry(index, term));
  return out;
}

export function snapshot(index: number, term: number, text = `state@${index}`): Snapshot {
  return {
    metadata: { index, term, confState: { voters: [1, 2, 3], learners: [] } },
    data: new TextEncoder().encode(text),
  };
}

/** The payload the kill-test child writes for an entry, so recovery can check it. */
export function entryText(index: number, term: number): string {
  return `entry ${index} term ${term} `.padEnd(64 + (index % 97), '.');
}
