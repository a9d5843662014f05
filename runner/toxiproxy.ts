// Toxiproxy for the real-cluster modes: a toxiproxy-server child on 127.0.0.1 (its API on
// a free port), and a ProxyNetwork with one proxy for every directed peer link and one
// for every client-to-member link, through which the nemeses cut and slow links.
//
// Addresses: the proxy member F dials to reach member T listens on 127.79.F.T with T's own
// peer port, and the client proxy of member N on 127.78.0.N with N's client port. Keeping
// the target's port lets real etcd (which has no per-link dial override) reach its
// per-link proxy through a per-member hosts file that maps each peer's name to 127.79.F.T.
//
// A link is cut with a `timeout` toxic of timeout 0 (data dropped, the connection kept),
// not by disabling the proxy: a disabled proxy closes both directions of every connection
// through it, while Raft traffic from F to T flows over connections F dialled (requests)
// and, for real etcd's stream transport, over connections T dialled (T reads F's stream).
// So "F -> T blocked" is the upstream of proxy F->T plus the downstream of proxy T->F.
// Removing the toxic closes the connection it held, so both ends redial cleanly.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { Toxiproxy, type Proxy as ToxiproxyProxy } from 'toxiproxy-node-client';
import { ConfigError } from '../server/config-error.js';
import type { HostPort, PeerLink } from './process-cluster.js';

export const toxiproxyBinaryDefault = 'toxiproxy-server';
/** Bound on waiting for the server's API to answer. */
const apiWaitMs = 10_000;
const apiPollMs = 50;
/** Members a network may have; the proxy addresses hold one byte per member index. */
export const membersMax = 9;

/** True when `binary` runs (`--version`); checked before a run starts anything. */
export function toxiproxyAvailable(binary: string = toxiproxyBinaryDefault): boolean {
  const result = spawnSync(binary, ['--version'], { stdio: 'ignore', timeout: 5_000 });
  return result.error === undefined && result.status === 0;
}

export interface ToxiproxyServer {
  /** http://127.0.0.1:PORT */
  readonly apiUrl: string;
  readonly client: Toxiproxy;
  /** Kills the server (its proxies go with it). */
  stop(): Promise<void>;
}

export interface ToxiproxyServerOptions {
  /** Default `toxiproxy-server` from PATH. */
  readonly binary?: string;
  /** Where the server's output goes. Default: discarded. */
  readonly logFile?: string;
}

/** Every server started here and not yet stopped, killed if the runner process exits. */
const liveServers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveServers) child.kill('SIGKILL');
});

/** Starts toxiproxy-server on 127.0.0.1 and resolves once its API answers. */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const binary = options.binary ?? toxiproxyBinaryDefault;
  if (!toxiproxyAvailable(binary)) {
    throw new ConfigError(
      'toxiproxy',
      binary,
      'toxiproxy-server is not installed (run scripts/install-real.sh)',
    );
  }
  const port = await freePort('127.0.0.1');
  const log = options.logFile === undefined ? 'ignore' : openSync(options.logFile, 'a');
  const child = spawn(binary, ['-host', '127.0.0.1', '-port', String(port)], { stdio: ['ignore', log, log] });
  if (typeof log === 'number') closeSync(log);
  liveServers.add(child);
  child.once('exit', () => liveServers.delete(child));
  const apiUrl = `http://127.0.0.1:${port}`;
  const client = new Toxiproxy(apiUrl);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + apiWaitMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`toxiproxy-server exited with ${child.exitCode} at start`);
    try {
      await client.getVersion();
      return { apiUrl, client, stop };
    } catch (error) {
      if (Date.now() >= deadline) {
        await stop();
        throw new Error(`toxiproxy-server API on ${apiUrl} not up after ${apiWaitMs} ms: ${String(error)}`);
      }
      await new Promise((done) => setTimeout(done, apiPollMs));
    }
  }
}

/** A free TCP port on `host` (released before returning; see process-cluster's freePorts). */
export async function freePort(host: string): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') fail(new Error('no port from listen(0)'));
        else done(address.port);
      });
    });
  });
}

/** `n3` -> 3. */
export function memberIndexOf(name: string): number {
  const index = Number(name.replace(/^n/, ''));
  if (!/^n\d+$/.test(name) || index < 1 || index > membersMax) {
    throw new ConfigError('member', name, `member names must be n1..n${membersMax}`);
  }
  return index;
}

/** Where member `from` dials member `to` through its proxy: 127.79.F.T, `to`'s port. */
export function peerProxyAddress(link: PeerLink): HostPort {
  return { host: `127.79.${memberIndexOf(link.from)}.${memberIndexOf(link.to)}`, port: link.listen.port };
}

/** Where clients reach member `name` through its proxy: 127.78.0.N, the member's client port. */
export function clientProxyAddress(name: string, clientListen: HostPort): HostPort {
  return { host: `127.78.0.${memberIndexOf(name)}`, port: clientListen.port };
}

type Stream = 'upstream' | 'downstream';

/** What a network change does to one directed link; see the file header. */
export interface LinkFault {
  readonly type: 'block' | 'slow';
  /** For `slow`: added delay per chunk, and its jitter. */
  readonly latencyMs?: number;
  readonly jitterMs?: number;
}

/**
 * The proxies of one cluster. Peer proxies are created when a member's command line asks
 * where to dial (`peerDial`, synchronous, so creation runs in the background and
 * `ready()` reports it); client proxies by `addClientProxies` once the cluster runs.
 */
export class ProxyNetwork {
  private readonly peerProxies = new Map<string, Promise<ToxiproxyProxy>>();
  private readonly clientProxies = new Map<string, HostPort>();
  /** Toxic names in force per peer proxy, so heal removes exactly those. */
  private readonly toxics = new Map<string, Set<string>>();

  constructor(private readonly server: ToxiproxyServer) {}

  /** The `peerDial` hook for NodeClusterOptions: the proxy `from` dials to reach `to`. */
  readonly peerDial = (link: PeerLink): HostPort => {
    const address = peerProxyAddress(link);
    const name = linkName(link.from, link.to);
    if (!this.peerProxies.has(name)) {
      const created = this.server.client.createProxy({
        name,
        listen: `${address.host}:${address.port}`,
        upstream: `${link.listen.host}:${link.listen.port}`,
      });
      // Observed by ready(); a rejection left alone until then must not crash the process.
      created.catch(() => undefined);
      this.peerProxies.set(name, created);
    }
    return address;
  };

  /** Resolves once every peer proxy asked for exists; rejects with the first failure. */
  async ready(): Promise<void> {
    await Promise.all(this.peerProxies.values());
  }

  /** Creates a proxy in front of each member's client listener; returns their addresses. */
  async addClientProxies(
    members: readonly { name: string; clientListen: HostPort }[],
  ): Promise<Map<string, HostPort>> {
    for (const member of members) {
      const address = clientProxyAddress(member.name, member.clientListen);
      await this.server.client.createProxy({
        name: `client-${member.name}`,
        listen: `${address.host}:${address.port}`,
        upstream: `${member.clientListen.host}:${member.clientListen.port}`,
      });
      this.clientProxies.set(member.name, address);
    }
    return new Map(this.clientProxies);
  }

  /** Drops everything `from` sends to `to` until heal. */
  async blockLink(from: string, to: string): Promise<void> {
    await this.applyFault(from, to, { type: 'block' });
  }

  /** Delays everything `from` sends to `to` until heal. */
  async slowLink(from: string, to: string, delay: { latencyMs: number; jitterMs: number }): Promise<void> {
    await this.applyFault(from, to, { type: 'slow', ...delay });
  }

  /** Cuts every link between members of different groups, both ways. */
  async partition(groups: readonly (readonly string[])[]): Promise<void> {
    for (const [index, group] of groups.entries()) {
      for (const other of groups.slice(index + 1)) {
        for (const left of group) {
          for (const right of other) {
            await this.blockLink(left, right);
            await this.blockLink(right, left);
          }
        }
      }
    }
  }

  /** Removes every toxic from every peer proxy. */
  async heal(): Promise<void> {
    for (const [name, toxicNames] of this.toxics) {
      const proxy = await this.peerProxies.get(name);
      if (proxy === undefined) continue;
      for (const toxic of toxicNames) {
        const path = `${proxy.getPath()}/toxics/${toxic}`;
        await proxy.api.delete(path);
      }
      toxicNames.clear();
    }
  }

  private async applyFault(from: string, to: string, fault: LinkFault): Promise<void> {
    // F's bytes to T: the upstream of the connections F dialled, the downstream of T's.
    await this.addToxic(linkName(from, to), 'upstream', fault);
    await this.addToxic(linkName(to, from), 'downstream', fault);
  }

  private async addToxic(proxyName: string, stream: Stream, fault: LinkFault): Promise<void> {
    const proxy = await this.peerProxies.get(proxyName);
    if (proxy === undefined) throw new Error(`no proxy ${proxyName}: the link was never dialled`);
    const name = `${fault.type}-${stream}`;
    const inForce = this.toxics.get(proxyName) ?? new Set<string>();
    this.toxics.set(proxyName, inForce);
    if (inForce.has(name)) return;
    if (fault.type === 'block') {
      await proxy.addToxic({ name, type: 'timeout', stream, toxicity: 1, attributes: { timeout: 0 } });
    } else {
      const attributes = { latency: fault.latencyMs ?? 0, jitter: fault.jitterMs ?? 0 };
      await proxy.addToxic({ name, type: 'latency', stream, toxicity: 1, attributes });
    }
    inForce.add(name);
  }
}

function linkName(from: string, to: string): string {
  return `peer-${from}-to-${to}`;
}
