// Member and cluster ids, derived the way etcd derives them: a hash of the member's peer
// URLs and the cluster token (a cluster's id from its members' ids), so every member
// computes the same ids from the same command line. Ids stay below 2^52 so they are
// exact as JavaScript numbers, and are never 0 (0 means "none" in Raft).

import { createHash } from 'node:crypto';

export function memberIdOf(peerUrls: readonly string[], token: string): number {
  return hashToId([...peerUrls].sort().join('') + token);
}

export function clusterIdOf(memberIds: readonly number[], token: string): number {
  return hashToId(
    memberIds
      .map((id) => id.toString(16))
      .sort()
      .join(',') + token,
  );
}

function hashToId(text: string): number {
  const digest = createHash('sha1').update(text).digest();
  const id = Number(digest.readBigUInt64BE(0) & ((1n << 52n) - 1n));
  return id === 0 ? 1 : id;
}
