// Docker mode's NodeCluster: one container per member, started with testcontainers on
// the locally built images (docker-images.ts), killed with `docker kill`, frozen with
// `docker pause`. A member's data dir is a host folder bind-mounted at /data, so a
// killed member started again (`docker start` of the same container) recovers from its
// own WAL, as a crashed machine would.
//
// Networking: host networking, each member on its own loopback address
// 127.<77>.<run>.<member>. Traffic stays on loopback (the machine's rules allow no other
// addresses), the members need no port mapping, and every fault on a link goes through
// Toxiproxy anyway, so a bridge network would add nothing the suite uses. Each container
// gets its own /etc/hosts (bind-mounted): real etcd has no per-peer dial override, so it
// advertises peers by name (`http://n2:2380`) and each member's hosts file sends that
// name to the address `peerDial` gives for its own link (a Toxiproxy listener on the
// peer port); etcd-ts takes `--peer-dial-overrides` as in process mode.
//
// replace() (the membership nemesis) removes a member's container, empties its data dir
// and creates a new container that joins the running cluster with
// --initial-cluster-state=existing, under the same name, address and peer URL, so its
// Toxiproxy links still apply (as process mode does).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';
import { ConfigError } from '../server/config-error.js';
import { containersOfRun, labelsOf, removeLeftovers, trackRun, untrackRun } from './docker-cleanup.js';
import {
  clientPort,
  type DockerClusterOptions,
  faultControlPort,
  peerPort,
  type Settings,
  settingsOf,
} from './docker-cluster-settings.js';
import { buildImage, imageTags } from './docker-images.js';
import type { ClusterMember, HostPort, NodeCluster, ReplaceOptions, SutKind } from './node-cluster.js';
import { type JoinSpec, requireJoinOf } from './process-cluster.js';
import { etcdctl } from './testing/etcdctl.js';

// The reaper needs an image from a registry; docker-cleanup.ts does its job.
process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';

const run = promisify(execFile);

export type { DockerClusterOptions };

export interface DockerCluster extends NodeCluster {
  readonly runId: string;
  /** The run folder: data dirs, hosts files and the members' logs. */
  readonly dir: string;
  /** Client URLs of all members, in member order. */
  readonly endpoints: readonly string[];
  /** The member's fault-control endpoint (http://ADDRESS:2381), when asked for. */
  faultControlOf(member: string): string | undefined;
}

const healthPollMs = 200;
const stateWaitMs = 15_000;

type MemberState = 'running' | 'paused' | 'killed';

interface Member extends ClusterMember {
  readonly dataDir: string;
  readonly hostsFile: string;
  container?: StartedTestContainer;
  state: MemberState;
  /** `docker logs --follow` of the current start, appending to logFile. */
  logFollower?: ChildProcess;
  /** Containers created for this member so far (each replacement makes a new one). */
  containersCreated?: number;
}

/** Builds the image if needed, starts every member, resolves once all serve clients. */
export async function startDockerCluster(options: DockerClusterOptions): Promise<DockerCluster> {
  const settings = settingsOf(options);
  await removeLeftovers();
  await buildImage(settings.kind);
  const runId = `${Date.now().toString(36)}-${process.pid}-${settings.addressOctet}`;
  const dir = mkdtempSync(join(settings.baseDir, `docker-${settings.kind}-`));
  const members: Member[] = Array.from({ length: settings.size }, (_, index) => {
    const name = `n${index + 1}`;
    const host = `127.77.${settings.addressOctet}.${index + 1}`;
    mkdirSync(join(dir, name), { recursive: true });
    return {
      name,
      clientListen: { host, port: clientPort },
      peerListen: { host, port: peerPort },
      // Real etcd advertises its name (each member's hosts file resolves it per link).
      advertisePeerUrl: `http://${settings.kind === 'etcd' ? name : host}:${peerPort}`,
      logFile: join(dir, `${name}.log`),
      dataDir: join(dir, name),
      hostsFile: join(dir, `${name}.hosts`),
      state: 'killed',
    };
  });
  const cluster = new Cluster(settings, runId, dir, members);
  try {
    await Promise.all(members.map((member) => cluster.create(member)));
    await cluster.waitHealthy(members);
  } catch (error) {
    // The run folder stays for a post-mortem: the error names it.
    await cluster.teardown({ keepDir: true });
    throw error;
  }
  return cluster;
}

class Cluster implements DockerCluster {
  readonly kind: SutKind;
  readonly endpoints: readonly string[];
  private readonly joins = new Map<string, JoinSpec>();
  /** Set by stop(): no member starts again. */
  private stopped = false;

  constructor(
    private readonly settings: Settings,
    readonly runId: string,
    readonly dir: string,
    readonly members: readonly Member[],
  ) {
    this.kind = settings.kind;
    this.endpoints = members.map((member) => urlOf(member.clientListen));
  }

  /** Where `from` reaches `to`'s peer port: its own link's proxy, or `to` itself. */
  private dialOf(from: Member, to: Member): HostPort {
    return this.settings.peerDial?.({ from: from.name, to: to.name, listen: to.peerListen }) ?? to.peerListen;
  }

  private hostsFileText(member: Member): string {
    const lines = ['127.0.0.1 localhost'];
    for (const peer of this.members) {
      const address = peer === member ? peer.peerListen : this.dialOf(member, peer);
      if (this.kind === 'etcd' && address.port !== peerPort) {
        throw new ConfigError(
          'peerDial',
          `${address.host}:${address.port}`,
          `real etcd dials peers by name on port ${peerPort}, so a proxy for ${member.name}->${peer.name} must listen on that port`,
        );
      }
      lines.push(`${address.host} ${peer.name}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private commandOf(member: Member): string[] {
    // Real etcd names its peers (resolved by each member's hosts file); etcd-ts dials the overrides.
    const peerUrlOf = (peer: Member): string =>
      this.kind === 'etcd' ? `http://${peer.name}:${peerPort}` : urlOf(peer.peerListen);
    const joining = this.joins.get(member.name);
    const peers =
      joining === undefined
        ? this.members
        : this.members.filter((peer) => joining.members.some((joined) => joined.name === peer.name));
    const flags = [
      `--name=${member.name}`,
      '--data-dir=/data/data',
      `--listen-client-urls=${urlOf(member.clientListen)}`,
      `--advertise-client-urls=${urlOf(member.clientListen)}`,
      `--listen-peer-urls=${urlOf(member.peerListen)}`,
      `--initial-advertise-peer-urls=${peerUrlOf(member)}`,
      `--initial-cluster=${peers.map((peer) => `${peer.name}=${peerUrlOf(peer)}`).join(',')}`,
      `--initial-cluster-state=${joining === undefined ? 'new' : 'existing'}`,
      `--initial-cluster-token=etcd-chaos-${this.runId}`,
      `--heartbeat-interval=${this.settings.heartbeatMs}`,
      `--election-timeout=${this.settings.electionTimeoutMs}`,
    ];
    if (this.settings.faultControl) {
      flags.push(`--unsafe-fault-control=${member.clientListen.host}:${faultControlPort}`);
    }
    if (this.kind === 'etcd-ts' && joining !== undefined) {
      flags.push(
        `--initial-cluster-id=${joining.clusterIdHex}`,
        `--initial-member-ids=${joining.members.map((peer) => `${peer.name}=${peer.memberIdHex}`).join(',')}`,
      );
    }
    if (this.kind === 'etcd-ts' && this.settings.peerDial !== undefined) {
      const overrides = peers
        .filter((peer) => peer !== member)
        .map((peer) => {
          const dial = this.dialOf(member, peer);
          return `${peer.name}=${dial.host}:${dial.port}`;
        });
      if (overrides.length > 0) flags.push(`--peer-dial-overrides=${overrides.join(',')}`);
    }
    return [...flags, ...this.settings.extraFlags];
  }

  async create(member: Member): Promise<void> {
    writeFileSync(member.hostsFile, this.hostsFileText(member));
    const created = member.containersCreated ?? 0;
    member.containersCreated = created + 1;
    // A replacement gets a fresh container name: the removed one's may linger a moment.
    const suffix = created === 0 ? '' : `-${created}`;
    member.container = await new GenericContainer(imageTags[this.kind])
      .withName(`etcd-chaos-${this.runId}-${member.name}${suffix}`)
      .withLabels(labelsOf(this.runId))
      .withNetworkMode('host')
      .withCommand(this.commandOf(member))
      .withBindMounts([
        { source: member.dataDir, target: '/data', mode: 'rw' },
        { source: member.hostsFile, target: '/etc/hosts', mode: 'ro' },
      ])
      .withAutoRemove(false)
      // Health is judged below with etcdctl; the container has no ports to wait for.
      .withWaitStrategy(Wait.forListeningPorts())
      .withStartupTimeout(this.settings.startTimeoutMs)
      .start();
    member.state = 'running';
    this.followLogs(member, undefined);
    trackRun(
      this.runId,
      this.members.flatMap((candidate) =>
        candidate.container === undefined ? [] : [candidate.container.getId()],
      ),
    );
  }

  async waitHealthy(members: readonly Member[], timeoutMs = this.settings.startTimeoutMs): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      const result = await etcdctl(['endpoint', 'health'], {
        endpoints: members.map((member) => urlOf(member.clientListen)),
        timeoutMs: Math.max(1000, Math.min(5000, deadline - Date.now())),
      });
      if (result.exitCode === 0) return;
      last = `${result.stdout}${result.stderr}`.trim();
      const exited = await this.exitedMembers(members);
      if (exited.length > 0) {
        throw new Error(`member ${exited.join(', ')} exited during start; see logs in ${this.dir}`);
      }
      if (Date.now() >= deadline) {
        throw new Error(`not healthy after ${timeoutMs} ms (logs in ${this.dir}): ${last}`);
      }
      await new Promise((done) => setTimeout(done, healthPollMs));
    }
  }

  private async exitedMembers(members: readonly Member[]): Promise<string[]> {
    const exited: string[] = [];
    for (const member of members) {
      if (member.state !== 'running') continue;
      if ((await this.inspectStatus(member)) === 'exited') exited.push(member.name);
    }
    return exited;
  }

  private async inspectStatus(member: Member): Promise<string> {
    const { stdout } = await run('docker', ['inspect', '--format', '{{.State.Status}}', this.idOf(member)]);
    return stdout.trim();
  }

  private idOf(member: Member): string {
    const container = member.container;
    if (container === undefined) throw new Error(`member ${member.name} has no container`);
    return container.getId();
  }

  private memberNamed(name: string): Member {
    const member = this.members.find((candidate) => candidate.name === name);
    if (member === undefined) throw new ConfigError('member', name, 'no member has this name');
    return member;
  }

  /** Waits (bounded) until docker reports `status` for the member's container. */
  private async waitStatus(member: Member, status: string): Promise<void> {
    const deadline = Date.now() + stateWaitMs;
    for (;;) {
      const current = await this.inspectStatus(member);
      if (current === status) return;
      if (Date.now() >= deadline) {
        throw new Error(`member ${member.name} is ${current}, not ${status}, after ${stateWaitMs} ms`);
      }
      await new Promise((done) => setTimeout(done, healthPollMs));
    }
  }

  async kill(name: string): Promise<void> {
    const member = this.memberNamed(name);
    if (member.state === 'killed') return;
    // A frozen process cannot take SIGKILL until it is thawed; thaw it and kill at once.
    if (member.state === 'paused') await run('docker', ['unpause', this.idOf(member)]);
    try {
      await run('docker', ['kill', '--signal', 'KILL', this.idOf(member)]);
    } catch (error) {
      // Exited on its own meanwhile (etcd stops itself when removed, or on a fsync error).
      if ((await this.inspectStatus(member)) === 'running') throw error;
    }
    member.state = 'killed';
    await this.waitStatus(member, 'exited');
  }

  async start(name: string): Promise<void> {
    const member = this.memberNamed(name);
    this.requireNotStopped(name);
    if (member.state !== 'killed') return;
    const since = new Date().toISOString();
    await run('docker', ['start', this.idOf(member)]);
    member.state = 'running';
    this.followLogs(member, since);
    try {
      await this.waitHealthy([member], this.settings.restartWaitMs);
    } catch (error) {
      // Cut off by a partition it may not answer yet, and that is the nemesis's business;
      // a member that exited again is not.
      if ((await this.inspectStatus(member)) === 'exited') throw error;
    }
  }

  /**
   * Removes the member's container, deletes its data and creates a new container joining
   * the running cluster as the member MemberAdd just added; resolves once it serves
   * clients, or after the bounded restart wait while it runs without a quorum.
   */
  async replace(name: string, options: ReplaceOptions): Promise<void> {
    const member = this.memberNamed(name);
    this.requireNotStopped(name);
    const joining: JoinSpec = { members: options.initialCluster, clusterIdHex: options.clusterIdHex };
    requireJoinOf(name, joining, 'initialCluster', (peer) => this.memberNamed(peer));
    if (member.container !== undefined) await run('docker', ['rm', '--force', this.idOf(member)]);
    member.logFollower?.kill('SIGKILL');
    member.state = 'killed';
    rmSync(join(member.dataDir, 'data'), { recursive: true, force: true });
    this.joins.set(name, joining);
    await this.create(member);
    try {
      await this.waitHealthy([member], this.settings.restartWaitMs);
    } catch (error) {
      if ((await this.inspectStatus(member)) === 'exited') throw error;
    }
  }

  faultControlOf(name: string): string | undefined {
    const member = this.memberNamed(name);
    return this.settings.faultControl ? `http://${member.clientListen.host}:${faultControlPort}` : undefined;
  }

  /** Appends the container's output from `since` (ISO time; all when undefined) to the member's log. */
  private followLogs(member: Member, since: string | undefined): void {
    member.logFollower?.kill('SIGKILL');
    const log = openSync(member.logFile, 'a');
    const sinceArgs = since === undefined ? [] : ['--since', since];
    const follower = spawn('docker', ['logs', '--follow', ...sinceArgs, this.idOf(member)], {
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    follower.once('error', () => undefined);
    member.logFollower = follower;
  }

  async pause(name: string): Promise<void> {
    const member = this.memberNamed(name);
    if (member.state !== 'running') return;
    await run('docker', ['pause', this.idOf(member)]);
    member.state = 'paused';
  }

  async resume(name: string): Promise<void> {
    const member = this.memberNamed(name);
    if (member.state !== 'paused') return;
    await run('docker', ['unpause', this.idOf(member)]);
    member.state = 'running';
  }

  isRunning(name: string): boolean {
    return this.memberNamed(name).state !== 'killed';
  }

  /** A late control (a heal that ran over its time) must not start a member nobody stops. */
  private requireNotStopped(name: string): void {
    if (this.stopped) throw new Error(`cannot start ${name}: the cluster was stopped`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.teardown({ keepDir: !this.settings.removeDataOnStop });
  }

  async teardown(options: { readonly keepDir: boolean }): Promise<void> {
    const ids = await containersOfRun(this.runId);
    if (ids.length > 0) await run('docker', ['rm', '--force', '--volumes', ...ids]);
    for (const member of this.members) {
      member.state = 'killed';
      member.logFollower?.kill('SIGKILL');
    }
    untrackRun(this.runId);
    if (!options.keepDir) rmSync(this.dir, { recursive: true, force: true });
  }
}

function urlOf(address: HostPort): string {
  return `http://${address.host}:${address.port}`;
}
