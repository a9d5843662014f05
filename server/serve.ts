// Runs an etcd-ts member as a process: the real ports (process clock, OS-seeded random,
// node:fs disk with the WAL, TCP peer transport) around an EtcdNode, served over gRPC.
// SIGTERM stops it cleanly (streams are ended, the WAL closed); SIGKILL loses nothing
// that was acknowledged, because a write is acknowledged only after its fsync. With
// --unsafe-fault-control the clock and the disk take injected faults (serve-fault-control.ts).

import { randomBytes } from 'node:crypto';
import { withRequestChecks } from './api/checked-service.js';
import type { Member } from './api/cluster-types.js';
import { startEtcdGrpcServer } from './api/grpc-server.js';
import { EtcdNode } from './node/etcd-node.js';
import { FaultDisk } from './ports/fault-disk.js';
import { ProcessClock } from './ports/process-clock.js';
import { Xoshiro128 } from './ports/random.js';
import { RealDisk } from './ports/real-disk.js';
import { startFaultControl } from './serve-fault-control.js';
import type { ServeConfig } from './serve-flags.js';
import { type PeerAddress, TcpTransport } from './transport/tcp-transport.js';
import { WalPersistence } from './wal/wal-persistence.js';

export interface RunningServer {
  readonly clientPort: number;
  readonly peerPort: number;
  readonly node: EtcdNode;
  /** Stops serving, ends streams, closes the WAL and the peer sockets. */
  stop(): Promise<void>;
}

export async function serve(config: ServeConfig, log: (line: string) => void): Promise<RunningServer> {
  const clock = new ProcessClock();
  const random = new Xoshiro128(randomBytes(8).readBigUInt64BE(0));
  if (config.unsafeServeReadsLocally) {
    log(
      'WARNING: --unsafe-serve-reads-locally is set: linearizable reads skip ReadIndex and MAY RETURN STALE DATA.',
    );
  }
  // The disk goes through FaultDisk only when faults may be injected; else it is plain.
  const faultDisk =
    config.faultControl === undefined ? undefined : new FaultDisk(new RealDisk(), random.fork());
  const persistence = WalPersistence.open(faultDisk ?? new RealDisk(), {
    dir: config.dataDir,
    logger: { info: log, warn: (line) => log(`WARNING: ${line}`) },
    metadata: { nodeId: config.memberId, clusterId: config.clusterId },
  });
  const transport = await TcpTransport.listen({
    selfId: config.memberId,
    clusterId: config.clusterId,
    listen: config.peerListen,
    peers: new Map([...config.peerDial].filter(([id]) => id !== config.memberId)),
    clock,
    log,
  });
  const dialPeers = new PeerDialer(transport, config);
  const node = new EtcdNode({
    memberId: config.memberId,
    clusterId: config.clusterId,
    members: config.members,
    clock,
    random,
    transport,
    persistence,
    tickMs: config.heartbeatMs,
    electionTicks: Math.round(config.electionTimeoutMs / config.heartbeatMs),
    heartbeatTicks: 1,
    snapshotEntries: config.snapshotEntries,
    log,
    initialClusterState: config.clusterState,
    unsafe: { serveReadsLocally: config.unsafeServeReadsLocally },
    onMembersChanged: (members) => dialPeers.update(members),
  });
  node.start();
  const grpc = await startEtcdGrpcServer(withRequestChecks(node), {
    host: config.clientListen.host,
    port: config.clientListen.port,
    onInternalError: (error, method) =>
      log(`internal error in ${method}: ${(error as Error).stack ?? String(error)}`),
  });
  const faultControl =
    config.faultControl === undefined || faultDisk === undefined
      ? undefined
      : await startFaultControl({ ...config.faultControl, clock, disk: faultDisk, log });
  log(
    `etcd-ts ${config.name} (member ${config.memberId.toString(16)}, cluster ${config.clusterId.toString(16)}) ` +
      `serving clients on ${grpc.host}:${grpc.port}, peers on ${transport.address().host}:${transport.address().port}`,
  );
  return {
    clientPort: grpc.port,
    peerPort: transport.address().port,
    node,
    async stop() {
      await faultControl?.close();
      await grpc.shutdown();
      node.stop();
      await transport.close();
    },
  };
}

/**
 * Keeps the transport's peer list in step with the applied membership: a member added
 * through MemberAdd is dialled at its peer URL, a removed one is dropped. A dial override
 * from the command line (a Toxiproxy proxy) always wins over the advertised URL.
 */
class PeerDialer {
  private readonly dialled = new Map<number, string>();

  constructor(
    private readonly transport: TcpTransport,
    private readonly config: ServeConfig,
  ) {
    for (const [id, address] of config.peerDial) {
      if (id !== config.memberId) this.dialled.set(id, `${address.host}:${address.port}`);
    }
  }

  update(members: readonly Member[]): void {
    const current = new Set<number>();
    for (const member of members) {
      if (member.id === this.config.memberId) continue;
      current.add(member.id);
      const address =
        this.config.peerDial.get(member.id) ??
        this.config.peerDialByUrl.get(member.peerUrls[0] ?? '') ??
        parsePeerUrl(member.peerUrls[0]);
      if (address === undefined) continue;
      const key = `${address.host}:${address.port}`;
      if (this.dialled.get(member.id) === key) continue;
      this.dialled.set(member.id, key);
      this.transport.setPeerAddress(member.id, address);
    }
    for (const id of [...this.dialled.keys()]) {
      if (current.has(id)) continue;
      this.dialled.delete(id);
      this.transport.removePeer(id);
    }
  }
}

function parsePeerUrl(url: string | undefined): PeerAddress | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    const port = Number(parsed.port);
    return port > 0 ? { host: parsed.hostname, port } : undefined;
  } catch {
    return undefined;
  }
}
