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
  /** The peer URL the member advertises (and MemberAdd names). Default http://peerListen. */
  readonly advertisePeerUrl?: string;
}

/** A current member of a running cluster, as a member joining it must be told. */
export interface JoinPeer {
  readonly name: string;
  /** The etcd member id in hex (MemberList's, or MemberAdd's for the joining member). */
  readonly memberIdHex: string;
}

export interface ReplaceOptions {
  /** Every current member, the joining one included (etcd's --initial-cluster). */
  readonly initialCluster: readonly JoinPeer[];
  /** The running cluster's id in hex. */
  readonly clusterIdHex: string;
  /** The old data is deleted: the member joins as a new one. */
  readonly dataDir: 'fresh';
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
  /**
   * Optional (process mode): stops the member if it runs, deletes its data and starts it
   * with --initial-cluster-state=existing as the member MemberAdd just added; resolves
   * once it serves clients, or after a bounded wait while it runs without a quorum.
   * Undefined where members cannot be replaced (membership faults are then unsupported).
   */
  replace?(member: string, options: ReplaceOptions): Promise<void>;
  /** Kills every member and frees everything this cluster made. */
  stop(): Promise<void>;
}
