// The simulator's default durable storage: every node persists through etcd-ts's real
// WAL and snapshot code on its own simulated disk, so a simulated crash exercises the
// same recovery path as a real one. A crash loses the node's unsynced bytes and, when
// the run asks for it, keeps a torn prefix of the last write. `disks` is what a disk
// nemesis uses to flip bits or truncate files while a node is down.

import type { RaftPersistence } from '../server/persistence.js';
import type { Random } from '../server/ports/random.js';
import type { NodeId } from '../server/raft/types.js';
import { WalPersistence } from '../server/wal/wal-persistence.js';
import { SimDisk } from './disk.js';
import type { PersistenceFactory } from './memory-persistence.js';

export interface SimWalPersistenceOptions {
  /** WAL segment size; small segments exercise segment cutting. Default 64 KiB. */
  readonly segmentBytes?: number;
  /** Torn last writes per crash, as a ratio [numerator, denominator]. Default [1, 2]. */
  readonly tornCrashRatio?: readonly [number, number];
}

export class SimWalPersistenceFactory implements PersistenceFactory {
  readonly disks = new Map<NodeId, SimDisk>();
  readonly stats = { crashes: 0, tornCrashes: 0, tailRepairs: 0 };
  private readonly segmentBytes: number;
  private readonly tornCrashRatio: readonly [number, number];

  constructor(
    private readonly random: Random,
    options: SimWalPersistenceOptions = {},
  ) {
    this.segmentBytes = options.segmentBytes ?? 64 * 1024;
    this.tornCrashRatio = options.tornCrashRatio ?? [1, 2];
  }

  open(nodeId: NodeId): RaftPersistence {
    let disk = this.disks.get(nodeId);
    if (disk === undefined) {
      disk = new SimDisk();
      this.disks.set(nodeId, disk);
    }
    return WalPersistence.open(disk, {
      dir: '/data',
      logger: {
        info: () => {},
        warn: (line) => {
          if (line.includes('torn tail')) this.stats.tailRepairs++;
        },
      },
      metadata: { nodeId, clusterId: 1 },
      segmentBytes: this.segmentBytes,
    });
  }

  crash(nodeId: NodeId): void {
    const tear = this.random.chance(this.tornCrashRatio[0], this.tornCrashRatio[1]);
    this.stats.crashes++;
    if (tear) this.stats.tornCrashes++;
    this.disks.get(nodeId)?.crash({ tearLastWrite: tear, random: this.random });
  }
}
