// The seam between a real-cluster test run and what runs the members: child processes
// on loopback (process mode) or containers (docker mode). The runner sets up Toxiproxy
// first, then starts the cluster with `peerDial` naming, for every directed peer link,
// the proxy listener the dialling member must use, and drives faults through the
// members' lifecycle controls here and through the proxies.

import type { HostPort, PeerLink } from './process-cluster.js';

export type { HostPort, PeerLink };

/** The system under test: our server or Debian's real etcd. */
export type SutKind = 'etcd-ts' | 'etcd';

export interface ClusterMember {
  /** n1..nN. */
  readonly name: string;
  /** Where the member serves clients, e.g. http://127.0.0.11:2379. */
  readonly clientListen: HostPort;
  /** Where the member listens for peers. */
  readonly peerListen: HostPort;
  /** The member's log file (process mode) or a file the container's log is copied to on stop. */
  readonly logFile: string;
}

export interface NodeClusterOptions {
  readonly kind: SutKind;
  /** 3 or 5 (1 for smoke tests). */
  readonly size: number;
  /** Where member `link.from` dials to reach `link.to` (a Toxiproxy listener). Default: `to`'s peer listener. */
  readonly peerDial?: (link: PeerLink) => HostPort;
  /** Extra server flags, e.g. etcd-ts's `--unsafe-serve-reads-locally`. */
  readonly extraFlags?: readonly string[];
}

/** Members of a started cluster and the lifecycle controls the nemeses use. */
export interface NodeCluster {
  readonly kind: SutKind;
  readonly members: readonly ClusterMember[];
  /** SIGKILL (or `docker kill`); resolves once the member is gone. Data stays. */
  kill(member: string): Promise<void>;
  /** Starts a killed member again on its own data; resolves once it serves clients. */
  start(member: string): Promise<void>;
  /** SIGSTOP (or `docker pause`). */
  pause(member: string): Promise<void>;
  /** SIGCONT (or `docker unpause`). */
  resume(member: string): Promise<void>;
  isRunning(member: string): boolean;
  /** Kills every member and frees everything this cluster made. */
  stop(): Promise<void>;
}
