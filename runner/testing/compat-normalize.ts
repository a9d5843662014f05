// Turns one etcdctl run into text that can be compared across etcd and etcd-ts: member,
// cluster and lease ids, ports, versions, raft terms/indexes, db sizes and timings are
// replaced by stable placeholders; revisions, values, exit codes and error texts stay.
// etcdctl's zap log lines on stderr (timestamps, retry notices) are dropped; its
// `Error: ...` lines are kept.

import type { EtcdctlResult } from './etcdctl.js';

export interface ClusterIdentity {
  /** Member name -> member id, as etcd prints it in hex. */
  readonly memberIds: ReadonlyMap<string, bigint>;
  readonly clusterId: bigint;
  /** Member name -> client URL and peer URL. */
  readonly urls: ReadonlyMap<string, { readonly client: string; readonly peer: string }>;
}

/** Lease ids seen so far on one cluster, numbered in the order they first appear. */
export type LeaseNumbering = Map<bigint, number>;

export function normalizeResult(
  result: EtcdctlResult,
  identity: ClusterIdentity,
  leases: LeaseNumbering,
): string {
  const stderr = result.stderr
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('{"level"'))
    .join('\n');
  const text = `exit=${result.timedOut ? 'timeout' : String(result.exitCode)}\n${result.stdout}${
    stderr.length > 0 ? `stderr:\n${stderr}\n` : ''
  }`;
  return normalizeText(text, identity, leases);
}

export function normalizeText(text: string, identity: ClusterIdentity, leases: LeaseNumbering): string {
  let out = text;
  for (const [name, urls] of identity.urls) {
    out = replaceAll(out, urls.client, `<${name}-client-url>`);
    out = replaceAll(out, urls.client.replace('http://', ''), `<${name}-client>`);
    out = replaceAll(out, urls.peer, `<${name}-peer-url>`);
  }
  for (const [name, id] of identity.memberIds) {
    out = replaceId(out, id, `<member:${name}>`);
  }
  out = replaceId(out, identity.clusterId, '<cluster>');
  out = out.replace(/\b3\.\d+\.\d+\b/g, '<version>');
  out = out.replace(/took = [0-9.]+[a-zµ]+/g, 'took = <time>');
  out = out.replace(/remaining\(-?\d+s\)/g, 'remaining(<s>)');
  out = out.replace(/"(raft_term|raftTerm|raftIndex|raftAppliedIndex|dbSize|dbSizeInUse)":\d+/g, '"$1":<n>');
  out = out.replace(/"ttl":\d+/g, '"ttl":<s>');
  out = normalizeStatusTable(out);
  out = numberLeases(out, leases);
  return out;
}

function replaceAll(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

/** An id in its hex form (etcdctl's simple output) and its decimal form (-w json). */
function replaceId(text: string, id: bigint, placeholder: string): string {
  const hex = new RegExp(`\\b${id.toString(16)}\\b`, 'g');
  const decimal = new RegExp(`\\b${id.toString(10)}\\b`, 'g');
  return text.replace(hex, placeholder).replace(decimal, placeholder);
}

/**
 * `endpoint status` in the simple format: endpoint, id, version, db size, is leader, is
 * learner, raft term, raft index, raft applied index, errors. Size, term and indexes are
 * implementation detail; which member leads is timing, so only the count of leaders stays.
 */
function normalizeStatusTable(text: string): string {
  const lines = text.split('\n');
  let leaders = 0;
  let rows = 0;
  const mapped = lines.map((line) => {
    const fields = line.split(', ');
    if (fields.length !== 10 || !fields[0]?.startsWith('<n')) return line;
    rows += 1;
    if (fields[4] === 'true') leaders += 1;
    return [
      fields[0],
      fields[1],
      fields[2],
      '<size>',
      '<leader?>',
      fields[5],
      '<term>',
      '<index>',
      '<index>',
      fields[9],
    ].join(', ');
  });
  if (rows === 0) return text;
  return `${mapped.join('\n')}leaders=${leaders}\n`;
}

/** Hex lease ids (16 hex digits or fewer, as etcdctl prints them) and decimal ones in JSON. */
function numberLeases(text: string, leases: LeaseNumbering): string {
  const numberOf = (id: bigint): number => {
    const known = leases.get(id);
    if (known !== undefined) return known;
    const next = leases.size + 1;
    leases.set(id, next);
    return next;
  };
  let out = text.replace(
    /\blease ([0-9a-f]{8,16})\b/g,
    (_, hex: string) => `lease <lease${numberOf(BigInt(`0x${hex}`))}>`,
  );
  out = out.replace(/^([0-9a-f]{8,16})$/gm, (_, hex: string) => `<lease${numberOf(BigInt(`0x${hex}`))}>`);
  out = out.replace(/"(ID|id|lease)":(\d{6,})/g, (_, field: string, decimal: string) => {
    return `"${field}":<lease${numberOf(BigInt(decimal))}>`;
  });
  return out;
}
