// The byte layout of a snapshot as it leaves Maintenance.Snapshot. etcd streams its bolt
// database file (a whole number of 512-byte pages) followed by the file's SHA-256, and
// etcdctl's `snapshot save` refuses a download whose length is not 32 more than a
// multiple of 512 ("sha256 checksum not found"). etcd-ts's state is not a bolt file, so
// it is framed to keep that shape: an 8-byte big-endian payload length, the payload,
// zero padding to a 512-byte boundary, then the SHA-256 of everything before it.

import { createHash } from 'node:crypto';
import { EtcdError } from './errors.js';

const lengthPrefixBytes = 8;
const pageBytes = 512;
const checksumBytes = 32;

/** The payload framed as etcdctl expects a snapshot download to look. */
export function frameSnapshot(payload: Uint8Array): Uint8Array {
  const unpadded = lengthPrefixBytes + payload.length;
  const padded = Math.ceil(unpadded / pageBytes) * pageBytes;
  const framed = new Uint8Array(padded + checksumBytes);
  new DataView(framed.buffer).setBigUint64(0, BigInt(payload.length));
  framed.set(payload, lengthPrefixBytes);
  framed.set(createHash('sha256').update(framed.subarray(0, padded)).digest(), padded);
  return framed;
}

/** The payload of a framed snapshot, after checking its shape and checksum. */
export function unframeSnapshot(framed: Uint8Array): Uint8Array {
  const body = framed.length - checksumBytes;
  if (body < pageBytes || body % pageBytes !== 0) {
    throw EtcdError.invalidRequest(
      `snapshot of ${framed.length} bytes is not 32 bytes past a 512-byte boundary`,
    );
  }
  const expected = createHash('sha256').update(framed.subarray(0, body)).digest();
  if (!expected.equals(framed.subarray(body)))
    throw EtcdError.invalidRequest('snapshot checksum does not match');
  const length = new DataView(framed.buffer, framed.byteOffset, framed.byteLength).getBigUint64(0);
  if (length > BigInt(body - lengthPrefixBytes)) {
    throw EtcdError.invalidRequest(`snapshot length prefix ${length} exceeds its ${body} bytes`);
  }
  return framed.slice(lengthPrefixBytes, lengthPrefixBytes + Number(length));
}
