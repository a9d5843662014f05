// Runs an etcd-ts member as a process: the real ports (process clock, OS-seeded random,
// node:fs disk with the WAL, TCP peer transport) around an EtcdNode, served over gRPC.
// SIGTERM stops it cleanly (streams are ended, the WAL closed); SIGKILL loses nothing
// that was acknowledged, because a write is acknowledged only after its fsync.

import { randomBytes } from 'node:crypto';
import { withRequestChecks } from './api/checked-service.js';
import { startEtcdGrpcServer } from './api/grpc-server.js';
import { EtcdNode } from './node/etcd-node.js';
import { ProcessClock } from './ports/process-clock.js';
import { Xoshiro128 } from './ports/random.js';
import { RealDisk } from './ports/real-disk.js';
import type { ServeConfig } from './serve-flags.js';
import { TcpTransport } from './transport/tcp-transport.js';
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
  const persistence = WalPersistence.open(new RealDisk(), {
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
    unsafe: { serveReadsLocally: config.unsafeServeReadsLocally },
  });
  node.start();
  const grpc = await startEtcdGrpcServer(withRequestChecks(node), {
    host: config.clientListen.host,
    port: config.clientListen.port,
    onInternalError: (error, method) =>
      log(`internal error in ${method}: ${(error as Error).stack ?? String(error)}`),
  });
  log(
    `etcd-ts ${config.name} (member ${config.memberId.toString(16)}, cluster ${config.clusterId.toString(16)}) ` +
      `serving clients on ${grpc.host}:${grpc.port}, peers on ${transport.address().host}:${transport.address().port}`,
  );
  return {
    clientPort: grpc.port,
    peerPort: transport.address().port,
    node,
    async stop() {
      await grpc.shutdown();
      node.stop();
      await transport.close();
    },
  };
}
