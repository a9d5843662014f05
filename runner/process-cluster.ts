// An N-member etcd cluster of real child processes on loopback: either etcd-ts (`node
// dist/server/main.js`) or the real `etcd` binary, each member with its own data dir and
// log file under one temp dir. The real suites and the process-mode runner (Toxiproxy on
// every link) build on it, so the address each member dials for each peer is a hook:
// etcd-ts takes it as --peer-dial-overrides; real etcd, which dials the URLs its peers
// advertise, gets hostnames as peer URLs (http://n2:PORT) and runs in its own mount
// namespace (`unshare --mount`) with a per-member /etc/hosts bind-mounted over the real
// one, mapping each peer's name to the address that member must dial (Go's resolver
// reads /etc/hosts). That needs root (or CAP_SYS_ADMIN) and util-linux's unshare.
// replace() starts a member again as a new one after MemberAdd (fresh data dir,
// --initial-cluster-state=existing); it keeps its name, ports and peer URL, so the
// per-link dial addresses (and proxies) stay those of its slot.
// Every process started here is killed by stop(), and by a process-exit hook if the
// test run dies first.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../server/config-error.js';
import { boundedWait, freePorts, repoRoot } from './process-support.js';
import { etcdctl } from './testing/etcdctl.js';

export type ClusterKind = 'etcd-ts' | 'etcd';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export interface PeerLink {
  /** The member that dials. */
  readonly from: string;
  /** The member dialled. */
  readonly to: string;
  /** Where `to` listens for peers. */
  readonly listen: HostPort;
}

export interface ProcessClusterOptions {
  readonly kind: ClusterKind;
  /** Members, named n1..nN. Default 3; 1..9. */
  readonly size?: number;
  /** Loopback host every member listens on. Default 127.0.0.1; must be in 127.0.0.0/8. */
  readonly host?: string;
  /** Parent of the cluster's temp dir. Default os.tmpdir(). */
  readonly baseDir?: string;
  /** Default `etcd` from PATH. */
  readonly etcdBinary?: string;
  /** Default dist/server/main.js of this repo (run `npm run build` first). */
  readonly etcdTsEntry?: string;
  /** Default `etcdctl` from PATH; used for the health wait. */
  readonly etcdctlBinary?: string;
  /** Bound on start() and restart() waiting for health. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Raft heartbeat, passed as --heartbeat-interval. Default 100 ms. */
  readonly heartbeatMs?: number;
  /** Passed as --election-timeout. Default 1000 ms; at least 5 heartbeats. */
  readonly electionTimeoutMs?: number;
  /** Default `etcd-chaos`. */
  readonly clusterToken?: string;
  /**
   * The address `from` dials to reach `to` (a Toxiproxy listener, say); for real etcd its
   * port must be `to`'s own peer port (only the host is remapped, through /etc/hosts).
   * Default: where `to` listens.
   */
  readonly peerDial?: (link: PeerLink) => HostPort;
  /** Remove the temp dir in stop(). Default true; false keeps logs for a post-mortem. */
  readonly removeDataOnStop?: boolean;
  /** Flags appended to every member's command line (e.g. `--unsafe-serve-reads-locally`). */
  readonly extraFlags?: readonly string[];
  /** etcd-ts only: give each member a fault-control endpoint (`--unsafe-fault-control`) on a free loopback port. */
  readonly faultControl?: boolean;
}

/** What a member joining a running cluster is told (etcd-ts needs the ids too; etcd learns them from its peers). */
export interface JoinSpec {
  /** Every current member, the joining one included, with its id in hex. */
  readonly members: readonly { readonly name: string; readonly memberIdHex: string }[];
  readonly clusterIdHex: string;
}

/**
 * Refuses to replace member `name` with a join whose members leave it out (ConfigError on
 * `field`), or name one `memberNamed` does not know (its own error).
 */
export function requireJoinOf(
  name: string,
  join: JoinSpec,
  field: string,
  memberNamed: (name: string) => unknown,
): void {
  if (!join.members.some((peer) => peer.name === name)) {
    throw new ConfigError(field, join.members.map((peer) => peer.name).join(','), `it must include ${name}`);
  }
  for (const peer of join.members) memberNamed(peer.name);
}

export interface ProcessMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  /** The peer URL the member advertises: `peerUrl`, or http://NAME:PORT for real etcd behind per-link proxies. */
  readonly advertisePeerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
  /** http://127.0.0.1:PORT of the member's fault-control endpoint, when asked for. */
  readonly faultControlUrl: string | undefined;
}

/** One started cluster; see startProcessCluster. */
export interface ProcessCluster {
  readonly kind: ClusterKind;
  readonly members: readonly ProcessMember[];
  /** Client URLs of all members, in member order. */
  readonly endpoints: readonly string[];
  readonly dir: string;
  /** Sends `signal` to the member and waits until its process has exited. */
  kill(member: string, signal: NodeJS.Signals): Promise<void>;
  /** Stops the member if it runs (SIGTERM), starts it on the same data dir, waits for health. */
  restart(member: string): Promise<void>;
  /** Starts a member that is not running, on its data dir, and waits up to `waitMs` for its health; returns whether it got healthy. */
  start(member: string, options?: { waitMs?: number }): Promise<boolean>;
  /** Sends `signal` without waiting (SIGSTOP, SIGCONT). */
  signal(member: string, signal: NodeJS.Signals): void;
  /** True while the member's process runs. */
  isRunning(member: string): boolean;
  /**
   * Kills the member if it runs, deletes its data dir and starts it as a new member of
   * the running cluster (after MemberAdd): --initial-cluster-state=existing with `join`'s
   * members; later restarts keep that command line. Waits like start().
   */
  replace(member: string, join: JoinSpec, options?: { waitMs?: number }): Promise<boolean>;
  /** Kills every member and removes the temp dir (unless removeDataOnStop is false). */
  stop(): Promise<void>;
}

const sizeMax = 9;
const healthPollMs = 100;
const exitWaitMs = 10_000;
/** Every child this module started and not yet reaped, killed if the test process exits. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

interface Settings {
  readonly kind: ClusterKind;
  readonly size: number;
  readonly host: string;
  readonly baseDir: string;
  readonly etcdBinary: string;
  readonly etcdTsEntry: string;
  readonly etcdctlBinary: string;
  readonly startTimeoutMs: number;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly clusterToken: string;
  readonly peerDial: ((link: PeerLink) => HostPort) | undefined;
  readonly removeDataOnStop: boolean;
  readonly extraFlags: readonly string[];
  readonly faultControl: boolean;
}

function settingsOf(options: ProcessClusterOptions): Settings {
  if (options.kind !== 'etcd-ts' && options.kind !== 'etcd') {
    throw new ConfigError('kind', options.kind, "it must be 'etcd-ts' or 'etcd'");
  }
  const size = options.size ?? 3;
  if (!Number.isInteger(size) || size < 1 || size > sizeMax) {
    throw new ConfigError('size', size, `it must be an integer from 1 to ${sizeMax}`);
  }
  const host = options.host ?? '127.0.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) {
    throw new ConfigError('host', host, 'it must be a loopback IPv4 address in 127.0.0.0/8');
  }
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  if (!Number.isInteger(startTimeoutMs) || startTimeoutMs <= 0) {
    throw new ConfigError('startTimeoutMs', startTimeoutMs, 'it must be a positive integer');
  }
  const heartbeatMs = options.heartbeatMs ?? 100;
  if (!Number.isInteger(heartbeatMs) || heartbeatMs <= 0) {
    throw new ConfigError('heartbeatMs', heartbeatMs, 'it must be a positive integer');
  }
  const electionTimeoutMs = options.electionTimeoutMs ?? 1000;
  if (!Number.isInteger(electionTimeoutMs) || electionTimeoutMs < 5 * heartbeatMs) {
    throw new ConfigError('electionTimeoutMs', electionTimeoutMs, `it must be at least 5 x heartbeatMs`);
  }
  if (options.kind === 'etcd' && options.faultControl === true) {
    throw new ConfigError('faultControl', true, 'only etcd-ts has a fault-control endpoint');
  }
  const clusterToken = options.clusterToken ?? 'etcd-chaos';
  if (!/^[A-Za-z0-9._-]+$/.test(clusterToken)) {
    throw new ConfigError('clusterToken', clusterToken, 'it must be letters, digits, dot, dash, underscore');
  }
  return {
    kind: options.kind,
    size,
    host,
    baseDir: options.baseDir ?? tmpdir(),
    etcdBinary: options.etcdBinary ?? 'etcd',
    etcdTsEntry: options.etcdTsEntry ?? join(repoRoot, 'dist', 'server', 'main.js'),
    etcdctlBinary: options.etcdctlBinary ?? 'etcdctl',
    startTimeoutMs,
    heartbeatMs,
    electionTimeoutMs,
    clusterToken,
    peerDial: options.peerDial,
    removeDataOnStop: options.removeDataOnStop ?? true,
    extraFlags: options.extraFlags ?? [],
    faultControl: options.faultControl === true,
  };
}

/** Starts the cluster and resolves once every member answers `etcdctl endpoint health`. */
export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessCluster> {
  const settings = settingsOf(options);
  const dir = mkdtempSync(join(settings.baseDir, `${settings.kind}-cluster-`));
  const ports = await freePorts(settings.host, 3 * settings.size);
  const members: ProcessMember[] = [];
  for (let index = 0; index < settings.size; index++) {
    const name = `n${index + 1}`;
    const dataDir = join(dir, name);
    mkdirSync(dataDir, { recursive: true });
    const viaHosts = settings.kind === 'etcd' && settings.peerDial !== undefined;
    members.push({
      name,
      clientUrl: `http://${settings.host}:${ports[3 * index]}`,
      peerUrl: `http://${settings.host}:${ports[3 * index + 1]}`,
      advertisePeerUrl: `http://${viaHosts ? name : settings.host}:${ports[3 * index + 1]}`,
      faultControlUrl: settings.faultControl ? `http://127.0.0.1:${ports[3 * index + 2]}` : undefined,
      dataDir: join(dataDir, 'data'),
      logFile: join(dir, `${name}.log`),
    });
  }
  const cluster = new Cluster(settings, dir, members);
  try {
    for (const member of members) cluster.launch(member);
    await cluster.waitHealthy(members);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

class Cluster implements ProcessCluster {
  readonly kind: ClusterKind;
  readonly endpoints: readonly string[];
  private readonly children = new Map<string, ChildProcess>();
  /** Set by stop(): no member starts again. */
  private stopped = false;
  /** Members started by replace(): they keep their join command line across restarts. */
  private readonly joins = new Map<string, JoinSpec>();

  constructor(
    private readonly settings: Settings,
    readonly dir: string,
    readonly members: readonly ProcessMember[],
  ) {
    this.kind = settings.kind;
    this.endpoints = members.map((member) => member.clientUrl);
  }

  launch(member: ProcessMember): void {
    const [command, args] = this.commandOf(member);
    const log = openSync(member.logFile, 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log], cwd: this.dir });
    closeSync(log);
    liveChildren.add(child);
    child.once('exit', () => liveChildren.delete(child));
    child.once('error', () => liveChildren.delete(child));
    this.children.set(member.name, child);
  }

  private commandOf(member: ProcessMember): [string, string[]] {
    const join = this.joins.get(member.name);
    const peers =
      join === undefined
        ? this.members
        : this.members.filter((peer) => join.members.some((joined) => joined.name === peer.name));
    const initialCluster = peers.map((peer) => `${peer.name}=${peer.advertisePeerUrl}`).join(',');
    const common = [
      `--name=${member.name}`,
      `--data-dir=${member.dataDir}`,
      `--listen-client-urls=${member.clientUrl}`,
      `--advertise-client-urls=${member.clientUrl}`,
      `--listen-peer-urls=${member.peerUrl}`,
      `--initial-advertise-peer-urls=${member.advertisePeerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${join === undefined ? 'new' : 'existing'}`,
      `--initial-cluster-token=${this.settings.clusterToken}`,
      `--heartbeat-interval=${this.settings.heartbeatMs}`,
      `--election-timeout=${this.settings.electionTimeoutMs}`,
      ...this.settings.extraFlags,
    ];
    if (this.settings.kind === 'etcd') {
      if (this.settings.peerDial === undefined) return [this.settings.etcdBinary, common];
      // $0 is the hosts file, "$@" the etcd command line: nothing is quoted by hand.
      const script = 'mount --bind "$0" /etc/hosts && exec "$@"';
      const hostsFile = this.writeHostsFile(member, this.settings.peerDial);
      return [
        'unshare',
        [
          '--mount',
          '--propagation',
          'private',
          'sh',
          '-c',
          script,
          hostsFile,
          this.settings.etcdBinary,
          ...common,
        ],
      ];
    }
    const overrides = this.dialOverrides(member, peers);
    const extra = overrides.length > 0 ? [`--peer-dial-overrides=${overrides.join(',')}`] : [];
    if (join !== undefined) {
      extra.push(
        `--initial-cluster-id=${join.clusterIdHex}`,
        `--initial-member-ids=${join.members.map((peer) => `${peer.name}=${peer.memberIdHex}`).join(',')}`,
      );
    }
    if (member.faultControlUrl !== undefined) {
      extra.push(`--unsafe-fault-control=${new URL(member.faultControlUrl).host}`);
    }
    return [process.execPath, [this.settings.etcdTsEntry, ...common, ...extra]];
  }

  /** The member's /etc/hosts: its own name at its listener, each peer's at the address to dial. */
  private writeHostsFile(member: ProcessMember, hook: (link: PeerLink) => HostPort): string {
    const lines = ['127.0.0.1 localhost', `${this.settings.host} ${member.name}`];
    for (const peer of this.members) {
      if (peer.name === member.name) continue;
      const url = new URL(peer.peerUrl);
      const dial = hook({
        from: member.name,
        to: peer.name,
        listen: { host: url.hostname, port: Number(url.port) },
      });
      if (dial.port !== Number(url.port)) {
        throw new ConfigError(
          'peerDial',
          `${dial.host}:${dial.port}`,
          `real etcd must dial ${peer.name}'s own port ${url.port}`,
        );
      }
      lines.push(`${dial.host} ${peer.name}`);
    }
    const file = join(this.dir, `${member.name}.hosts`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  private dialOverrides(member: ProcessMember, peers: readonly ProcessMember[]): string[] {
    const hook = this.settings.peerDial;
    if (hook === undefined) return [];
    return peers
      .filter((peer) => peer.name !== member.name)
      .map((peer) => {
        const url = new URL(peer.peerUrl);
        const dial = hook({
          from: member.name,
          to: peer.name,
          listen: { host: url.hostname, port: Number(url.port) },
        });
        return `${peer.name}=${dial.host}:${dial.port}`;
      });
  }

  async waitHealthy(members: readonly ProcessMember[], waitMs = this.settings.startTimeoutMs): Promise<void> {
    const deadline = Date.now() + waitMs;
    let last = '';
    for (;;) {
      for (const member of members) {
        const child = this.children.get(member.name);
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`member ${member.name} exited during start; see ${member.logFile}`);
        }
      }
      const result = await etcdctl(['endpoint', 'health'], {
        endpoints: members.map((member) => member.clientUrl),
        binary: this.settings.etcdctlBinary,
        timeoutMs: Math.max(1000, Math.min(5000, deadline - Date.now())),
      });
      if (result.exitCode === 0) return;
      last = `${result.stdout}${result.stderr}`.trim();
      if (Date.now() >= deadline) {
        throw new Error(`cluster not healthy after ${waitMs} ms (logs in ${this.dir}): ${last}`);
      }
      await new Promise((done) => setTimeout(done, healthPollMs));
    }
  }

  isRunning(name: string): boolean {
    const child = this.children.get(name);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  async kill(name: string, signal: NodeJS.Signals): Promise<void> {
    this.memberNamed(name);
    const child = this.children.get(name);
    if (child === undefined || !this.isRunning(name)) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    await boundedWait(exited, exitWaitMs, `member ${name} still runs ${exitWaitMs} ms after ${signal}`);
  }

  async start(name: string, options: { waitMs?: number } = {}): Promise<boolean> {
    const member = this.memberNamed(name);
    this.requireNotStopped(name);
    if (this.isRunning(name)) return true;
    this.launch(member);
    try {
      await this.waitHealthy([member], options.waitMs);
      return true;
    } catch (error) {
      // A member that runs but cannot reach a quorum (a partition, say) is still started.
      if (!this.isRunning(name)) throw error;
      return false;
    }
  }

  signal(name: string, signal: NodeJS.Signals): void {
    this.memberNamed(name);
    if (this.isRunning(name)) this.children.get(name)?.kill(signal);
  }

  async restart(name: string): Promise<void> {
    const member = this.memberNamed(name);
    if (this.isRunning(name)) await this.kill(name, 'SIGTERM');
    this.launch(member);
    await this.waitHealthy([member]);
  }

  async replace(name: string, join: JoinSpec, options: { waitMs?: number } = {}): Promise<boolean> {
    const member = this.memberNamed(name);
    requireJoinOf(name, join, 'join.members', (peer) => this.memberNamed(peer));
    if (this.isRunning(name)) await this.kill(name, 'SIGKILL');
    rmSync(member.dataDir, { recursive: true, force: true });
    this.joins.set(name, join);
    return this.start(name, options);
  }

  /** A late control (a heal that ran over its time) must not start a member nobody stops. */
  private requireNotStopped(name: string): void {
    if (this.stopped) throw new Error(`cannot start ${name}: the cluster was stopped`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const running = [...this.children.entries()].filter(([name]) => this.isRunning(name));
    await Promise.all(
      running.map(async ([name, child]) => {
        try {
          await this.kill(name, 'SIGTERM');
        } catch {
          child.kill('SIGKILL');
          await boundedWait(
            new Promise<void>((done) => child.once('exit', () => done())),
            exitWaitMs,
            `member ${name} survived SIGKILL`,
          ).catch(() => undefined);
        }
      }),
    );
    if (this.settings.removeDataOnStop) rmSync(this.dir, { recursive: true, force: true });
  }

  private memberNamed(name: string): ProcessMember {
    const member = this.members.find((candidate) => candidate.name === name);
    if (member === undefined) throw new ConfigError('member', name, 'no member has this name');
    return member;
  }
}
