// Member remove/add on a real cluster, as an operator does it: `etcdctl member
// list/remove/add` against the members that are up (any member forwards to the leader).
// etcdctl rather than our gRPC client because real etcd's member ids are full uint64s,
// which JSON numbers (and JavaScript numbers) would round: ids are read from etcdctl's
// JSON as decimal strings and kept as hex. Each change is retried a bounded number of
// times (a leader change or a lost answer fails a call that may still have applied), and
// the retry recognises an earlier try that applied: "member not found" after a remove,
// the peer URL already listed after an add.

import { etcdctl } from './testing/etcdctl.js';

/**
 * Tries of one membership change before it is reported refused: etcd refuses MemberAdd
 * as "unhealthy cluster" until every member has been connected for ~5 s.
 */
const changeAttemptsMax = 8;
/** Pause between tries: long enough for an election (1 s election timeout). */
const retryBackoffMs = 1_000;
/** Bound on one etcdctl call. */
const callTimeoutMs = 5_000;
/**
 * Bound on one whole change, its member listing and every retry included: the final
 * heal waits on it, and nested retries (an add that lists the members again) would
 * otherwise multiply into minutes.
 */
const changeMsMax = 30_000;

export interface ListedMember {
  readonly idHex: string;
  /** '' for a member that was added and has not started yet. */
  readonly name: string;
  readonly peerUrls: readonly string[];
}

export interface MemberListing {
  readonly clusterIdHex: string;
  readonly members: readonly ListedMember[];
}

export type MembershipOutcome<T> =
  | { readonly type: 'ok'; readonly value: T }
  | { readonly type: 'refused'; readonly reason: string };

/** Quotes the uint64 fields of etcdctl's JSON so JSON.parse keeps every digit. */
function parseUint64Json(text: string): unknown {
  return JSON.parse(text.replace(/"(ID|cluster_id|member_id)":(\d+)/g, '"$1":"$2"'));
}

function hexOf(decimal: unknown): string {
  if (typeof decimal !== 'string' || !/^\d+$/.test(decimal)) {
    throw new Error(`etcdctl printed a member id that is not a number: ${String(decimal)}`);
  }
  return BigInt(decimal).toString(16);
}

interface RawMember {
  readonly ID?: unknown;
  readonly name?: unknown;
  readonly peerURLs?: unknown;
}

function listingOf(json: unknown): MemberListing {
  const body = json as { header?: { cluster_id?: unknown }; members?: RawMember[] };
  return {
    clusterIdHex: hexOf(body.header?.cluster_id),
    members: (body.members ?? []).map(memberOf),
  };
}

function memberOf(raw: RawMember): ListedMember {
  return {
    idHex: hexOf(raw.ID),
    name: typeof raw.name === 'string' ? raw.name : '',
    peerUrls: Array.isArray(raw.peerURLs) ? raw.peerURLs.filter((url) => typeof url === 'string') : [],
  };
}

function failureOf(result: { stdout: string; stderr: string; timedOut: boolean }): string {
  if (result.timedOut) return `etcdctl timed out after ${callTimeoutMs} ms`;
  const error = /^Error: (.*)$/m.exec(result.stderr)?.[1];
  return error ?? (`${result.stderr}${result.stdout}`.trim().split('\n').at(-1) || 'etcdctl failed');
}

/** Talks to the cluster through the client URLs `endpoints()` gives at each call (members up now). */
export class ClusterMembership {
  constructor(
    private readonly endpoints: () => readonly string[],
    private readonly sleep: (delayMs: number) => Promise<void> = (delayMs) =>
      new Promise((done) => setTimeout(done, delayMs)),
  ) {}

  /** The member list and cluster id (a linearizable MemberList on etcd 3.4+ servers). */
  async list(deadlineMs = Date.now() + changeMsMax): Promise<MembershipOutcome<MemberListing>> {
    return this.withRetries(deadlineMs, async () => {
      const result = await this.call(['member', 'list', '-w', 'json']);
      if (result.exitCode !== 0) return { type: 'refused', reason: failureOf(result) };
      return { type: 'ok', value: listingOf(parseUint64Json(result.stdout)) };
    });
  }

  /**
   * Removes the member advertising `peerUrl` (a member added but not yet started has no
   * name); ok also when an earlier try already removed it.
   */
  async remove(peerUrl: string): Promise<MembershipOutcome<void>> {
    const deadlineMs = Date.now() + changeMsMax;
    const listed = await this.list(deadlineMs);
    if (listed.type === 'refused') return listed;
    const member = listed.value.members.find((candidate) => candidate.peerUrls.includes(peerUrl));
    if (member === undefined) return { type: 'refused', reason: `no member at ${peerUrl} is listed` };
    return this.withRetries(deadlineMs, async () => {
      const result = await this.call(['member', 'remove', member.idHex]);
      if (result.exitCode === 0 || /member not found/.test(result.stderr))
        return { type: 'ok', value: undefined };
      return { type: 'refused', reason: failureOf(result) };
    });
  }

  /** Adds a member at `peerUrl`; resolves with its new id and the listing that includes it. */
  async add(
    name: string,
    peerUrl: string,
  ): Promise<MembershipOutcome<{ readonly idHex: string; readonly listing: MemberListing }>> {
    const deadlineMs = Date.now() + changeMsMax;
    return this.withRetries(deadlineMs, async () => {
      const result = await this.call(['member', 'add', name, `--peer-urls=${peerUrl}`, '-w', 'json']);
      if (result.exitCode === 0) {
        const body = parseUint64Json(result.stdout) as { member?: RawMember };
        if (body.member === undefined) return { type: 'refused', reason: 'MemberAdd answered no member' };
        return { type: 'ok', value: { idHex: memberOf(body.member).idHex, listing: listingOf(body) } };
      }
      if (!/Peer URLs already exists/.test(result.stderr))
        return { type: 'refused', reason: failureOf(result) };
      // Added by an earlier try whose answer was lost: the member list has it.
      const listed = await this.list(deadlineMs);
      if (listed.type === 'refused') return listed;
      const added = listed.value.members.find((member) => member.peerUrls.includes(peerUrl));
      if (added === undefined) return { type: 'refused', reason: `${peerUrl} is taken by no listed member` };
      return { type: 'ok', value: { idHex: added.idHex, listing: listed.value } };
    });
  }

  private call(args: readonly string[]) {
    return etcdctl([...args, `--command-timeout=${callTimeoutMs / 1000}s`], {
      endpoints: this.endpoints(),
      timeoutMs: callTimeoutMs + 2_000,
    });
  }

  private async withRetries<T>(
    deadlineMs: number,
    attempt: () => Promise<MembershipOutcome<T>>,
  ): Promise<MembershipOutcome<T>> {
    let reason = 'not tried';
    for (let tries = 0; tries < changeAttemptsMax; tries++) {
      if (tries > 0) {
        if (Date.now() + retryBackoffMs >= deadlineMs) {
          return { type: 'refused', reason: `gave up after ${changeMsMax / 1000} s: ${reason}` };
        }
        await this.sleep(retryBackoffMs);
      }
      const outcome = await attempt();
      if (outcome.type === 'ok') return outcome;
      reason = outcome.reason;
    }
    return { type: 'refused', reason };
  }
}

/** The parts of etcdctl's JSON this module reads, exported for its unit test. */
export const etcdctlJson = { parseUint64Json, listingOf };
