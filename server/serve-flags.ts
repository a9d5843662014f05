// The etcd-ts server's command line: etcd's flag names where the meaning is the same
// (--name, --data-dir, --listen-client-urls, --advertise-client-urls, --listen-peer-urls,
// --initial-advertise-peer-urls, --initial-cluster, --initial-cluster-state,
// --initial-cluster-token, --heartbeat-interval, --election-timeout, --snapshot-count),
// plus the few the chaos suite needs: per-peer dial overrides (so every directed link can
// pass through its own Toxiproxy proxy), an unsafe switch for planting a stale-read
// bug, and `--unsafe-fault-control HOST:PORT` (loopback only), the clock/disk
// fault-control endpoint of serve-fault-control.ts, and `--initial-cluster-id` /
// `--initial-member-ids` for a member joining a running cluster after MemberAdd: they
// carry the ids real etcd learns from its peers' /members endpoint, which etcd-ts's peer
// transport does not serve. Parsing is pure: it returns a config or
// throws a ConfigError naming the flag and its value.

import { parseArgs } from 'node:util';
import type { Member } from './api/cluster-types.js';
import { ConfigError } from './config-error.js';
import { clusterIdOf, memberIdOf } from './node/member-id.js';
import { isLoopbackHost } from './serve-fault-control.js';

export interface ServeConfig {
  readonly name: string;
  readonly dataDir: string;
  readonly clientListen: { host: string; port: number };
  readonly advertiseClientUrls: readonly string[];
  readonly peerListen: { host: string; port: number };
  readonly members: readonly Member[];
  readonly memberId: number;
  readonly clusterId: number;
  readonly clusterState: 'new' | 'existing';
  /** Where to dial each peer, by member id (defaults to its advertised peer URL). */
  readonly peerDial: ReadonlyMap<number, { host: string; port: number }>;
  /**
   * The same overrides by the peer's advertised URL, for a member added later through
   * MemberAdd (a new id at the URL its slot always had).
   */
  readonly peerDialByUrl: ReadonlyMap<string, { host: string; port: number }>;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotEntries: number;
  readonly unsafeServeReadsLocally: boolean;
  /** Where the fault-control endpoint listens; undefined (the default) means it does not exist. */
  readonly faultControl: { host: string; port: number } | undefined;
}

const flags = {
  name: { type: 'string', default: 'default' },
  'data-dir': { type: 'string' },
  'listen-client-urls': { type: 'string', default: 'http://127.0.0.1:2379' },
  'advertise-client-urls': { type: 'string' },
  'listen-peer-urls': { type: 'string', default: 'http://127.0.0.1:2380' },
  'initial-advertise-peer-urls': { type: 'string' },
  'initial-cluster': { type: 'string' },
  'initial-cluster-state': { type: 'string', default: 'new' },
  'initial-cluster-token': { type: 'string', default: 'etcd-cluster' },
  'heartbeat-interval': { type: 'string', default: '100' },
  'election-timeout': { type: 'string', default: '1000' },
  'snapshot-count': { type: 'string', default: '10000' },
  'peer-dial-overrides': { type: 'string', default: '' },
  'unsafe-serve-reads-locally': { type: 'boolean', default: false },
  'unsafe-fault-control': { type: 'string' },
  'initial-cluster-id': { type: 'string' },
  'initial-member-ids': { type: 'string' },
} as const;

export function parseServeFlags(args: readonly string[]): ServeConfig {
  let values: ReturnType<typeof parseArgs<{ options: typeof flags }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...args], options: flags, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError('arguments', args.join(' '), (error as Error).message);
  }
  const name = values.name;
  const dataDir = values['data-dir'] ?? `${name}.etcd`;
  const clientListen = firstHostPort('--listen-client-urls', values['listen-client-urls']);
  const peerListen = firstHostPort('--listen-peer-urls', values['listen-peer-urls']);
  const ownPeerUrls = splitList(values['initial-advertise-peer-urls'] ?? values['listen-peer-urls']);
  const clusterSpec = values['initial-cluster'] ?? `${name}=${ownPeerUrls.join(',')}`;
  const token = values['initial-cluster-token'];
  const members = withGivenIds(parseInitialCluster(clusterSpec, token), values['initial-member-ids']);
  const self = members.find((member) => member.name === name);
  if (self === undefined) {
    throw new ConfigError('--initial-cluster', clusterSpec, `it must name this member '${name}'`);
  }
  const clusterState = values['initial-cluster-state'];
  if (clusterState !== 'new' && clusterState !== 'existing') {
    throw new ConfigError('--initial-cluster-state', clusterState, "it must be 'new' or 'existing'");
  }
  const givenClusterId = values['initial-cluster-id'];
  for (const flag of ['initial-cluster-id', 'initial-member-ids'] as const) {
    if (values[flag] !== undefined && clusterState !== 'existing') {
      throw new ConfigError(`--${flag}`, values[flag], 'it is only for --initial-cluster-state=existing');
    }
  }
  const heartbeatMs = positiveInteger('--heartbeat-interval', values['heartbeat-interval']);
  const electionTimeoutMs = positiveInteger('--election-timeout', values['election-timeout']);
  if (electionTimeoutMs < 5 * heartbeatMs) {
    throw new ConfigError(
      '--election-timeout',
      electionTimeoutMs,
      `it must be at least 5 times --heartbeat-interval (${heartbeatMs})`,
    );
  }
  const peerDial = new Map<number, { host: string; port: number }>();
  const peerDialByUrl = new Map<string, { host: string; port: number }>();
  for (const member of members)
    peerDial.set(member.id, hostPort('--initial-cluster', member.peerUrls[0] ?? ''));
  for (const override of splitList(values['peer-dial-overrides'])) {
    const [peerName, address] = override.split('=');
    const member = members.find((candidate) => candidate.name === peerName);
    if (member === undefined || address === undefined) {
      throw new ConfigError(
        '--peer-dial-overrides',
        override,
        'each entry must be NAME=HOST:PORT for a known member',
      );
    }
    const dial = hostPort('--peer-dial-overrides', `http://${address}`);
    peerDial.set(member.id, dial);
    for (const url of member.peerUrls) peerDialByUrl.set(url, dial);
  }
  return {
    name,
    dataDir,
    clientListen,
    advertiseClientUrls: splitList(values['advertise-client-urls'] ?? values['listen-client-urls']),
    peerListen,
    members: members.map((member) =>
      member.id === self.id
        ? {
            ...member,
            clientUrls: splitList(values['advertise-client-urls'] ?? values['listen-client-urls']),
          }
        : member,
    ),
    memberId: self.id,
    clusterId:
      givenClusterId === undefined
        ? clusterIdOf(
            members.map((member) => member.id),
            token,
          )
        : hexId('--initial-cluster-id', givenClusterId),
    clusterState,
    peerDial,
    peerDialByUrl,
    heartbeatMs,
    electionTimeoutMs,
    snapshotEntries: positiveInteger('--snapshot-count', values['snapshot-count']),
    unsafeServeReadsLocally: values['unsafe-serve-reads-locally'],
    faultControl: faultControlOf(values['unsafe-fault-control']),
  };
}

/** `a=http://h:1,b=http://h:2` -> members with ids derived as etcd does (URLs + token). */
function parseInitialCluster(spec: string, token: string): Member[] {
  const urlsByName = new Map<string, string[]>();
  for (const item of splitList(spec)) {
    const [name, url] = item.split('=');
    if (!name || !url) throw new ConfigError('--initial-cluster', spec, `entry '${item}' is not NAME=URL`);
    hostPort('--initial-cluster', url);
    urlsByName.set(name, [...(urlsByName.get(name) ?? []), url]);
  }
  const members = [...urlsByName].map(([name, peerUrls]) => ({
    id: memberIdOf(peerUrls, token),
    name,
    peerUrls,
    clientUrls: [] as string[],
    isLearner: false,
  }));
  if (new Set(members.map((member) => member.id)).size !== members.length) {
    throw new ConfigError('--initial-cluster', spec, 'two members share peer URLs');
  }
  return members;
}

/** The members with the ids `NAME=HEX,...` gives them (ids assigned by MemberAdd, not derived). */
function withGivenIds(members: Member[], spec: string | undefined): Member[] {
  if (spec === undefined) return members;
  const ids = new Map<string, number>();
  for (const item of splitList(spec)) {
    const [name, hex] = item.split('=');
    if (!name || hex === undefined || !members.some((member) => member.name === name)) {
      throw new ConfigError(
        '--initial-member-ids',
        item,
        'each entry must be NAME=HEX for a member of --initial-cluster',
      );
    }
    ids.set(name, hexId('--initial-member-ids', hex));
  }
  const given = members.map((member) => ({ ...member, id: ids.get(member.name) ?? member.id }));
  if (new Set(given.map((member) => member.id)).size !== given.length) {
    throw new ConfigError('--initial-member-ids', spec, 'two members share an id');
  }
  return given;
}

function hexId(flag: string, value: string): number {
  const id = /^[0-9a-f]{1,13}$/i.test(value) ? Number.parseInt(value, 16) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ConfigError(flag, value, 'it must be a non-zero hex id below 2^52 (etcd-ts ids)');
  }
  return id;
}

function faultControlOf(value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const address = hostPort('--unsafe-fault-control', `http://${value}`);
  if (!isLoopbackHost(address.host)) {
    throw new ConfigError(
      '--unsafe-fault-control',
      value,
      'it must be a loopback address (127.0.0.0/8, ::1, localhost)',
    );
  }
  return address;
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function firstHostPort(flag: string, value: string): { host: string; port: number } {
  const first = splitList(value)[0];
  if (first === undefined) throw new ConfigError(flag, value, 'it must hold at least one URL');
  return hostPort(flag, first);
}

function hostPort(flag: string, url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(flag, url, 'it must be a URL like http://127.0.0.1:2379');
  }
  if (parsed.protocol !== 'http:') throw new ConfigError(flag, url, 'only http:// URLs are served (no TLS)');
  const port = Number(parsed.port);
  if (!Number.isInteger(port) || port <= 0) throw new ConfigError(flag, url, 'it must name a port');
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new ConfigError(flag, value, 'it must be a positive integer');
  return number;
}
