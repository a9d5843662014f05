// The process-mode NodeCluster (runner/node-cluster.ts): members are child processes from
// process-cluster.ts, killed with SIGKILL, paused with SIGSTOP/SIGCONT, and started again
// on their own data dir, or replaced by a fresh member joining the running cluster (the
// membership nemesis). Docker mode offers the same seam with containers.

import type {
  ClusterMember,
  HostPort,
  NodeCluster,
  NodeClusterOptions,
  ReplaceOptions,
} from './node-cluster.js';
import { type ProcessCluster, type ProcessMember, startProcessCluster } from './process-cluster.js';

export interface ProcessNodeClusterOptions extends NodeClusterOptions {
  /** Parent of the cluster's temp dir (logs and data). Default os.tmpdir(). */
  readonly baseDir?: string;
  /** Keep the temp dir on stop (for a post-mortem). Default false. */
  readonly keepData?: boolean;
  /** Bound on a restarted member getting healthy before start() returns anyway. Default 15 s. */
  readonly restartWaitMs?: number;
  /** etcd-ts only: each member serves a clock/disk fault-control endpoint on loopback. */
  readonly faultControl?: boolean;
}

const restartWaitMsDefault = 15_000;

function hostPortOf(url: string): HostPort {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}

function memberOf(member: ProcessMember): ClusterMember {
  return {
    name: member.name,
    clientListen: hostPortOf(member.clientUrl),
    peerListen: hostPortOf(member.peerUrl),
    logFile: member.logFile,
    advertisePeerUrl: member.advertisePeerUrl,
  };
}

/** Starts the members as processes; resolves once all are healthy. */
export async function startProcessNodeCluster(
  options: ProcessNodeClusterOptions,
): Promise<ProcessNodeCluster> {
  const cluster = await startProcessCluster({
    kind: options.kind,
    size: options.size,
    ...(options.peerDial === undefined ? {} : { peerDial: options.peerDial }),
    ...(options.extraFlags === undefined ? {} : { extraFlags: options.extraFlags }),
    ...(options.baseDir === undefined ? {} : { baseDir: options.baseDir }),
    removeDataOnStop: options.keepData !== true,
    faultControl: options.faultControl === true,
  });
  return new ProcessNodeCluster(cluster, options.restartWaitMs ?? restartWaitMsDefault);
}

export class ProcessNodeCluster implements NodeCluster {
  readonly kind: NodeCluster['kind'];
  readonly members: readonly ClusterMember[];

  constructor(
    private readonly cluster: ProcessCluster,
    private readonly restartWaitMs: number,
  ) {
    this.kind = cluster.kind;
    this.members = cluster.members.map(memberOf);
  }

  /** The member's fault-control endpoint (http://127.0.0.1:PORT), if it has one. */
  faultControlOf(member: string): string | undefined {
    return this.cluster.members.find((candidate) => candidate.name === member)?.faultControlUrl;
  }

  async kill(member: string): Promise<void> {
    // A paused process takes SIGKILL too; nothing needs resuming first.
    await this.cluster.kill(member, 'SIGKILL');
  }

  async start(member: string): Promise<void> {
    await this.cluster.start(member, { waitMs: this.restartWaitMs });
  }

  async pause(member: string): Promise<void> {
    this.cluster.signal(member, 'SIGSTOP');
  }

  async resume(member: string): Promise<void> {
    this.cluster.signal(member, 'SIGCONT');
  }

  isRunning(member: string): boolean {
    return this.cluster.isRunning(member);
  }

  async replace(member: string, options: ReplaceOptions): Promise<void> {
    await this.cluster.replace(
      member,
      { members: options.initialCluster, clusterIdHex: options.clusterIdHex },
      { waitMs: this.restartWaitMs },
    );
  }

  async stop(): Promise<void> {
    // SIGTERM does not reach a stopped process's handler; continue them first.
    for (const member of this.members) this.cluster.signal(member.name, 'SIGCONT');
    await this.cluster.stop();
  }
}
