// The simulated cluster with every node persisting through the real WAL and snapshot
// code on its own simulated disk. Random fault schedules crash nodes often; each crash
// loses the node's unsynced bytes and, half the time, keeps a torn prefix of them. The
// schedule runner checks Raft's safety invariants (no committed entry lost, state
// machines agree) throughout and liveness after healing. WAL_WORLD_RUNS sets the
// number of schedules (default 100).

import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import type { RaftDurableState, RaftPersistence } from '../server/persistence.js';
import { Xoshiro128 } from '../server/ports/random.js';
import type { Entry, HardState, NodeId, Snapshot } from '../server/raft/types.js';
import { runSchedule } from './run-schedule.js';
import { scheduleArbitrary } from './schedule-arbitrary.js';
import { SimWalPersistenceFactory } from './wal-persistence-factory.js';

const runs = Number(process.env.WAL_WORLD_RUNS ?? 100);
const SEED = 20261124;

/** The simulator's WAL storage, with every recovered hard state checked against the last synced one. */
class WatchedWalFactory extends SimWalPersistenceFactory {
  /** The last hard state each node saved with sync: a recovery must not come back below it. */
  private readonly synced = new Map<NodeId, HardState>();

  override open(nodeId: NodeId): RaftPersistence {
    return new HardStateWatch(super.open(nodeId), this.synced.get(nodeId), (hardState) =>
      this.synced.set(nodeId, hardState),
    );
  }
}

/** Checks on load() that the hard state did not go back, and tracks what was synced. */
class HardStateWatch implements RaftPersistence {
  constructor(
    private readonly inner: RaftPersistence,
    private readonly syncedBefore: HardState | undefined,
    private readonly onSynced: (hardState: HardState) => void,
  ) {}

  save(
    ready: { hardState?: HardState; entries: readonly Entry[]; snapshot?: Snapshot },
    sync: boolean,
  ): void {
    this.inner.save(ready, sync);
    if (ready.hardState !== undefined) this.pending = ready.hardState;
    if (sync && this.pending !== undefined) this.onSynced(this.pending);
  }

  saveSnapshot(snapshot: Snapshot): void {
    this.inner.saveSnapshot(snapshot);
    if (this.pending !== undefined) this.onSynced(this.pending);
  }

  load(): RaftDurableState {
    const state = this.inner.load();
    const before = this.syncedBefore;
    if (before !== undefined) {
      const { term, vote, commit } = state.hardState;
      const wentBack =
        term < before.term ||
        (term === before.term && before.vote !== 0 && vote !== before.vote) ||
        commit < before.commit;
      if (wentBack) {
        throw new Error(
          `recovered hard state ${JSON.stringify(state.hardState)} is behind the synced ${JSON.stringify(before)}`,
        );
      }
      totals.hardStateChecks++;
    }
    return state;
  }

  close(): void {
    this.inner.close();
  }

  private pending: HardState | undefined;
}

const totals = { schedules: 0, crashes: 0, tornCrashes: 0, repairs: 0, hardStateChecks: 0 };

test(`runSchedule() keeps Raft safe and live with nodes on the WAL over crashing simulated disks (${runs} schedules)`, async () => {
  const schedules = fc.record({
    schedule: fc.integer({ min: 3, max: 5 }).chain((nodeCount) =>
      scheduleArbitrary({
        nodeCount: nodeCount === 4 ? 3 : nodeCount,
        stepsMax: 16,
        gapMsMax: 400,
        crashWeight: 4,
      }),
    ),
    worldSeed: fc.nat(),
    segmentBytes: fc.constantFrom(2048, 16 * 1024, 1024 * 1024),
  });
  await fc.assert(
    fc.property(schedules, ({ schedule, worldSeed, segmentBytes }) => {
      const factory = new WatchedWalFactory(new Xoshiro128(worldSeed ^ 0xd15c), { segmentBytes });
      const result = runSchedule(schedule, worldSeed, { persistence: factory, snapshotEveryEntries: 50 });
      totals.schedules++;
      totals.crashes += factory.stats.crashes;
      totals.tornCrashes += factory.stats.tornCrashes;
      totals.repairs += factory.stats.tailRepairs;
      if (result.type === 'failed') {
        throw new Error(
          `${result.caughtBy} at ${result.timeMs} ms: ${result.message} (world seed ${worldSeed})`,
        );
      }
    }),
    { seed: SEED, numRuns: runs },
  );
  console.log(
    `WAL world: ${totals.schedules} schedules, ${totals.crashes} node crashes on the simulated disk ` +
      `(${totals.tornCrashes} with torn tails, ${totals.repairs} tails repaired), ` +
      `${totals.hardStateChecks} recovered hard states checked (seed ${SEED})`,
  );
  expect(totals.crashes).toBeGreaterThan(0);
  expect(totals.hardStateChecks).toBeGreaterThan(0);
});
