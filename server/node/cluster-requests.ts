// Node-level requests carried in normal Raft entries beside the client requests of
// server/apply: a member publishing its name and client URLs (etcd's attribute
// publication) and a lease keep-alive that a follower sends through Raft so that the
// leader, whose clock decides expiry, renews it; the leader's answer comes back through
// the log too, since only the leader knows whether the lease had expired. Such an entry starts with a zero byte,
// which no encoded client request can (protobuf field numbers start at 1), followed by
// JSON. Conf change contexts carry the same member JSON.

import type { Member } from '../api/cluster-types.js';

export type ClusterRequest =
  | { readonly type: 'publish'; readonly requestId: number; readonly member: Member }
  | { readonly type: 'leaseRenew'; readonly requestId: number; readonly leaseId: number }
  /** The leader's answer to a `leaseRenew`, for the member that proposed it. */
  | { readonly type: 'leaseRenewed'; readonly requestId: number; readonly ttlSeconds: number };

export class ClusterRequestError extends Error {
  override name = 'ClusterRequestError';
}

const marker = 0;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isClusterRequest(data: Uint8Array): boolean {
  return data.length > 0 && data[0] === marker;
}

export function encodeClusterRequest(request: ClusterRequest): Uint8Array {
  const json = encoder.encode(JSON.stringify(request));
  const bytes = new Uint8Array(json.length + 1);
  bytes[0] = marker;
  bytes.set(json, 1);
  return bytes;
}

export function decodeClusterRequest(data: Uint8Array): ClusterRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(data.subarray(1)));
  } catch (error) {
    throw new ClusterRequestError(`cluster request is not JSON: ${(error as Error).message}`);
  }
  const request = parsed as Partial<ClusterRequest> | null;
  if (request?.type === 'publish' && isMember(request.member) && typeof request.requestId === 'number') {
    return request as ClusterRequest;
  }
  if (
    request?.type === 'leaseRenew' &&
    typeof request.leaseId === 'number' &&
    typeof request.requestId === 'number'
  ) {
    return request as ClusterRequest;
  }
  if (
    request?.type === 'leaseRenewed' &&
    typeof request.ttlSeconds === 'number' &&
    typeof request.requestId === 'number'
  ) {
    return request as ClusterRequest;
  }
  throw new ClusterRequestError(`unknown cluster request ${JSON.stringify(parsed).slice(0, 200)}`);
}

export function encodeMember(member: Member, requestId: number): Uint8Array {
  return encoder.encode(JSON.stringify({ requestId, member }));
}

export function decodeMember(
  context: Uint8Array | undefined,
): { requestId: number; member: Member } | undefined {
  if (context === undefined || context.length === 0) return undefined;
  try {
    const parsed = JSON.parse(decoder.decode(context)) as { requestId?: unknown; member?: unknown };
    if (typeof parsed.requestId === 'number' && isMember(parsed.member)) {
      return { requestId: parsed.requestId, member: parsed.member };
    }
  } catch {
    // A context that is not ours (e.g. written by a test) carries no member.
  }
  return undefined;
}

function isMember(value: unknown): value is Member {
  const member = value as Partial<Member> | null;
  return (
    typeof member?.id === 'number' &&
    typeof member.name === 'string' &&
    Array.isArray(member.peerUrls) &&
    Array.isArray(member.clientUrls) &&
    typeof member.isLearner === 'boolean'
  );
}
