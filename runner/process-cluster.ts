// An N-member etcd cluster of real child processes on loopback: either etcd-ts (`node
// dist/server/main.js`) or the real `etcd` binary, each member with its own data dir and
// log file under one temp dir. The real suites and the process-mode runner (Toxiproxy on
// every link) build on it, so the address each member dials for each peer is a hook.
// Every process started here is killed by stop(), and by a process-exit hook if the
// test run dies first.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../server/config-error.js';
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
   * etcd-ts only: the address `from` dials to reach `to` (a Toxiproxy listener, say).
   * Default: where `to` listens. Real etcd dials the advertised URLs; it has no per-link
   * override, so giving this hook for kind 'etcd' is a ConfigError.
   */
  readonly peerDial?: (link: PeerLink) => HostPort;
  /** Remove the temp dir in stop(). Default true; false keeps logs for a post-mortem. */
  readonly removeDataOnStop?: boolean;
}

export interface ProcessMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  readonly logFile: string;
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
  /** True while the member's process runs. */
  isRunning(member: string): boolean;
  /** Kills every member and removes the temp dir (unless removeDataOnStop is false). */
  stop(): Promise<void>;
}

const sizeMax = 9;
const healthPollMs = 100;
const exitWaitMs = 10_000;
/** The repo root: the nearest folder above this file (in runner/ or dist/runner/) with a package.json. */
const repoRoot = findRepoRoot(dirname(fileURLToPath(import.meta.url)));

function findRepoRoot(start: string): string {
  let dir = start;
  for (let depth = 0; depth < 4; depth++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(start, '..');
}

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
  if (options.kind === 'etcd' && options.peerDial !== undefined) {
    throw new ConfigError('peerDial', 'a function', 'real etcd has no per-peer dial override');
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
  };
}

/** Starts the cluster and resolves once every member answers `etcdctl endpoint health`. */
export async function startProcessCluster(options: ProcessClusterOptions): Promise<ProcessCluster> {
  const settings = settingsOf(options);
  const dir = mkdtempSync(join(settings.baseDir, `${settings.kind}-cluster-`));
  const ports = await freePorts(settings.host, 2 * settings.size);
  const members: ProcessMember[] = [];
  for (let index = 0; index < settings.size; index++) {
    const name = `n${index + 1}`;
    const dataDir = join(dir, name);
    mkdirSync(dataDir, { recursive: true });
    members.push({
      name,
      clientUrl: `http://${settings.host}:${ports[2 * index]}`,
      peerUrl: `http://${settings.host}:${ports[2 * index + 1]}`,
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
    const initialCluster = this.members.map((peer) => `${peer.name}=${peer.peerUrl}`).join(',');
    const common = [
      `--name=${member.name}`,
      `--data-dir=${member.dataDir}`,
      `--listen-client-urls=${member.clientUrl}`,
      `--advertise-client-urls=${member.clientUrl}`,
      `--listen-peer-urls=${member.peerUrl}`,
      `--initial-advertise-peer-urls=${member.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${this.settings.clusterToken}`,
      `--heartbeat-interval=${this.settings.heartbeatMs}`,
      `--election-timeout=${this.settings.electionTimeoutMs}`,
    ];
    if (this.settings.kind === 'etcd') return [this.settings.etcdBinary, common];
    const overrides = this.dialOverrides(member);
    const extra = overrides.length > 0 ? [`--peer-dial-overrides=${overrides.join(',')}`] : [];
    return [process.execPath, [this.settings.etcdTsEntry, ...common, ...extra]];
  }

  private dialOverrides(member: ProcessMember): string[] {
    const hook = this.settings.peerDial;
    if (hook === undefined) return [];
    return this.members
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

  async waitHealthy(members: readonly ProcessMember[]): Promise<void> {
    const deadline = Date.now() + this.settings.startTimeoutMs;
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
        throw new Error(
          `cluster not healthy after ${this.settings.startTimeoutMs} ms (logs in ${this.dir}): ${last}`,
        );
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

  async restart(name: string): Promise<void> {
    const member = this.memberNamed(name);
    if (this.isRunning(name)) await this.kill(name, 'SIGTERM');
    this.launch(member);
    await this.waitHealthy([member]);
  }

  async stop(): Promise<void> {
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

async function boundedWait(promise: Promise<void>, timeoutMs: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ports the OS hands out for port 0, all held open at once so no two are equal, then
 * released together. Another process could take one in between; start() then fails
 * with the member's log naming the port in use.
 */
async function freePorts(host: string, count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((done, fail) => {
          const server = createServer();
          server.once('error', fail);
          server.listen(0, host, () => done(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port from listen(0)');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
  return ports;
}
