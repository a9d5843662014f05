// The errors a WAL raises when what is on disk cannot be trusted. They name the file and
// the offset (and for a CRC mismatch the expected and actual values) so an operator can
// find the bad bytes, and they stop the node: a WAL never drops data silently.

import { hex8 } from './segment-name.js';

export type WalCorruption =
  | { readonly kind: 'crcMismatch'; readonly expectedCrc: number; readonly actualCrc: number }
  | { readonly kind: 'badHeader'; readonly expectedCrc: number; readonly actualCrc: number }
  | { readonly kind: 'badRecord'; readonly detail: string }
  | { readonly kind: 'truncated'; readonly detail: string }
  | { readonly kind: 'chain'; readonly expectedCrc: number; readonly actualCrc: number }
  | { readonly kind: 'layout'; readonly detail: string };

/** A WAL file that is damaged somewhere a crash cannot explain. */
export class WalCorruptionError extends Error {
  override name = 'WalCorruptionError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly corruption: WalCorruption,
  ) {
    super(`WAL file ${file} is corrupt at offset ${offset}: ${describe(corruption)}; refusing to start`);
  }
}

function describe(corruption: WalCorruption): string {
  switch (corruption.kind) {
    case 'crcMismatch':
      return `CRC mismatch (expected ${hex8(corruption.expectedCrc)}, actual ${hex8(corruption.actualCrc)})`;
    case 'badHeader':
      return `record length check mismatch (expected ${hex8(corruption.expectedCrc)}, actual ${hex8(corruption.actualCrc)})`;
    case 'chain':
      return `CRC chain broken between segments (expected ${hex8(corruption.expectedCrc)}, actual ${hex8(corruption.actualCrc)})`;
    case 'badRecord':
      return `undecodable record (${corruption.detail})`;
    case 'truncated':
      return `segment ends inside a record (${corruption.detail})`;
    case 'layout':
      return corruption.detail;
  }
}

/** The WAL is intact but cannot produce the state asked for (e.g. released segments). */
export class WalReplayError extends Error {
  override name = 'WalReplayError';
}

/** Where the WAL reports what it repaired; server code never writes to the console. */
export interface WalLogger {
  info(message: string): void;
  warn(message: string): void;
}
