// Docker mode's cluster options, their defaults and their validation (a ConfigError
// naming the field before anything starts), apart from the cluster that uses them.

import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { ConfigError } from '../server/config-error.js';
import type { HostPort, NodeClusterOptions, PeerLink, SutKind } from './node-cluster.js';

export interface DockerClusterOptions extends NodeClusterOptions {
  /** Parent of the run's folder (data dirs, hosts files, logs). Default os.tmpdir(). */
  readonly baseDir?: string;
  /** Third octet of the members' addresses 127.77.<octet>.<n>; default random 1..250. */
  readonly addressOctet?: number;
  /** Bound on startDockerCluster() waiting for every member's health. Default 60 s. */
  readonly startTimeoutMs?: number;
  /**
   * Bound on a started-again member getting healthy before start() returns anyway (it may
   * be cut off by a partition, so it cannot answer yet). Default 15 s.
   */
  readonly restartWaitMs?: number;
  /** etcd-ts only: each member serves its clock/disk fault-control endpoint on <address>:2381. */
  readonly faultControl?: boolean;
  /** Passed as --heartbeat-interval. Default 100 ms. */
  readonly heartbeatMs?: number;
  /** Passed as --election-timeout. Default 1000 ms. */
  readonly electionTimeoutMs?: number;
  /** Remove the run folder in stop(). Default true. */
  readonly removeDataOnStop?: boolean;
}

export const sizeMax = 9;
export const clientPort = 2379;
export const peerPort = 2380;
export const faultControlPort = 2381;
export interface Settings {
  readonly kind: SutKind;
  readonly size: number;
  readonly addressOctet: number;
  readonly startTimeoutMs: number;
  readonly restartWaitMs: number;
  readonly faultControl: boolean;
  readonly heartbeatMs: number;
  readonly electionTimeoutMs: number;
  readonly peerDial: ((link: PeerLink) => HostPort) | undefined;
  readonly extraFlags: readonly string[];
  readonly removeDataOnStop: boolean;
  readonly baseDir: string;
}

export function settingsOf(options: DockerClusterOptions): Settings {
  if (options.kind !== 'etcd-ts' && options.kind !== 'etcd') {
    throw new ConfigError('kind', options.kind, "it must be 'etcd-ts' or 'etcd'");
  }
  if (!Number.isInteger(options.size) || options.size < 1 || options.size > sizeMax) {
    throw new ConfigError('size', options.size, `it must be an integer from 1 to ${sizeMax}`);
  }
  const addressOctet = options.addressOctet ?? randomInt(1, 251);
  if (!Number.isInteger(addressOctet) || addressOctet < 1 || addressOctet > 250) {
    throw new ConfigError('addressOctet', addressOctet, 'it must be an integer from 1 to 250');
  }
  if (options.kind === 'etcd' && options.faultControl === true) {
    throw new ConfigError('faultControl', true, 'only etcd-ts has a fault-control endpoint');
  }
  const heartbeatMs = options.heartbeatMs ?? 100;
  const electionTimeoutMs = options.electionTimeoutMs ?? 1000;
  if (!Number.isInteger(electionTimeoutMs) || electionTimeoutMs < 5 * heartbeatMs) {
    throw new ConfigError('electionTimeoutMs', electionTimeoutMs, 'it must be at least 5 x heartbeatMs');
  }
  return {
    kind: options.kind,
    size: options.size,
    addressOctet,
    startTimeoutMs: options.startTimeoutMs ?? 60_000,
    restartWaitMs: options.restartWaitMs ?? 15_000,
    faultControl: options.faultControl === true,
    heartbeatMs,
    electionTimeoutMs,
    peerDial: options.peerDial,
    extraFlags: options.extraFlags ?? [],
    removeDataOnStop: options.removeDataOnStop ?? true,
    baseDir: options.baseDir ?? tmpdir(),
  };
}
