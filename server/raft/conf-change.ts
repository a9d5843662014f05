// The byte form of a ConfChange inside a 'confChange' log entry:
// [type: u8][node id: u64 big-endian][context bytes...]. Fixed and tiny so that the WAL
// and snapshots store it without knowing Raft's types.

import type { ConfChange } from './types.js';

const typeCodes = { addVoter: 1, addLearner: 2, removeNode: 3 } as const;
const headerBytes = 9;

export class ConfChangeDecodeError extends Error {
  override name = 'ConfChangeDecodeError';
}

export function encodeConfChange(change: ConfChange): Uint8Array {
  const context = change.context ?? new Uint8Array(0);
  const bytes = new Uint8Array(headerBytes + context.byteLength);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, typeCodes[change.type]);
  view.setBigUint64(1, BigInt(change.nodeId));
  bytes.set(context, headerBytes);
  return bytes;
}

export function decodeConfChange(bytes: Uint8Array): ConfChange {
  if (bytes.byteLength < headerBytes) {
    throw new ConfChangeDecodeError(`conf change needs ${headerBytes} bytes, got ${bytes.byteLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const code = view.getUint8(0);
  const nodeId = Number(view.getBigUint64(1));
  if (!Number.isSafeInteger(nodeId) || nodeId <= 0) {
    throw new ConfChangeDecodeError(`conf change names invalid node id ${nodeId}`);
  }
  const context = bytes.slice(headerBytes);
  const withContext = context.byteLength > 0 ? { context } : {};
  switch (code) {
    case typeCodes.addVoter:
      return { type: 'addVoter', nodeId, ...withContext };
    case typeCodes.addLearner:
      return { type: 'addLearner', nodeId, ...withContext };
    case typeCodes.removeNode:
      return { type: 'removeNode', nodeId, ...withContext };
    default:
      throw new ConfChangeDecodeError(`unknown conf change type code ${code}`);
  }
}
