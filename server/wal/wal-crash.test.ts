// Model-based crash test of WalPersistence on the simulated disk. Random schedules of
// saves (synced or not, with conflicting tails), hard-state changes, snapshots taken or
// installed, crashes (unsynced bytes lost, optionally a torn tail), crashes between a
// snapshot file and its WAL marker, and a full disk (ENOSPC) are run against a model of
// the records written. After every crash the recovered state must equal the synced
// state plus some prefix of the records written after the last sync: nothing synced is
// lost, nothing is invented, and the hard state never goes back.
//
// WAL_CRASH_RUNS sets the number of schedules (default 1,000, the CI minimum; about three
// crash/recovery cycles each, and the count is printed); WAL_CRASH_SEED another seed.

import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { SimDisk } from '../../sim/disk.js';
import type { RaftDurableState } from '../persistence.js';
import { DiskError } from '../ports/disk.js';
import { Xoshiro128 } from '../ports/random.js';
import type { Entry, HardState } from '../raft/types.js';
import { Snapshotter } from '../snapshot/snapshotter.js';
import { MemoryLogger, snapshot } from './test-support.js';
import { WalPersistence } from './wal-persistence.js';

const runs = Number(process.env.WAL_CRASH_RUNS ?? 1000);
const SEED = Number(process.env.WAL_CRASH_SEED ?? 20261124);
const CRASHES_MIN = 1000;

type ModelRecord =
  | { readonly type: 'entry'; readonly entry: Entry }
  | { readonly type: 'hardState'; readonly hardState: HardState }
  | { readonly type: 'marker'; readonly index: number; readonly logReset: boolean };

interface ModelState {
  /** log[i] is entry i+1, or null for an index covered only by an installed snapshot. */
  readonly log: readonly (Entry | null)[];
  readonly hardState: HardState;
  readonly snapshotIndex: number;
}

function apply(state: ModelState, records: readonly ModelRecord[]): ModelState {
  let log = [...state.log];
  let { hardState, snapshotIndex } = state;
  for (const record of records) {
    if (record.type === 'entry') {
      log.length = record.entry.index - 1;
      log.push(record.entry);
    } else if (record.type === 'hardState') {
      hardState = record.hardState;
    } else {
      snapshotIndex = record.index;
      if (record.logReset) log = Array.from({ length: record.index }, (_, i) => log[i] ?? null);
    }
  }
  return { log, hardState, snapshotIndex };
}

function matches(recovered: RaftDurableState, model: ModelState): boolean {
  const snapshotIndex = recovered.snapshot?.metadata.index ?? 0;
  if (snapshotIndex !== model.snapshotIndex) return false;
  if (JSON.stringify(recovered.hardState) !== JSON.stringify(model.hardState)) return false;
  const expected = model.log.slice(snapshotIndex);
  if (expected.length !== recovered.entries.length) return false;
  return expected.every((entry, i) => {
    const got = recovered.entries[i]!;
    return (
      entry !== null &&
      entry.index === got.index &&
      entry.term === got.term &&
      sameBytes(entry.data, got.data)
    );
  });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

const operation = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      count: fc.integer({ min: 1, max: 6 }),
      back: fc.integer({ min: 0, max: 3 }),
      bumpTerm: fc.boolean(),
      withHardState: fc.boolean(),
      commitLag: fc.integer({ min: 0, max: 4 }),
      sync: fc.boolean(),
      bytes: fc.integer({ min: 0, max: 200 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('vote' as const), sync: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('install' as const), ahead: fc.integer({ min: 0, max: 5 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('crash' as const), tear: fc.boolean(), seed: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('crashMidSnapshot' as const),
      tear: fc.boolean(),
      seed: fc.nat(),
    }),
  },
);

const schedule = fc.record({
  segmentBytes: fc.integer({ min: 200, max: 4000 }),
  snapshotFilesMax: fc.integer({ min: 1, max: 3 }),
  /** A small disk in some schedules, so saves, segment cuts and snapshots hit ENOSPC. */
  capacityBytes: fc.option(fc.integer({ min: 1000, max: 6000 }), { nil: undefined }),
  operations: fc.array(operation, { minLength: 1, maxLength: 60 }),
});

let crashCount = 0;
let enospcCount = 0;

class Harness {
  private readonly disk: SimDisk;
  private persistence: WalPersistence;
  private synced: ModelState = { log: [], hardState: { term: 0, vote: 0, commit: 0 }, snapshotIndex: 0 };
  private pending: ModelRecord[] = [];
  private term = 1;
  private counter = 0;

  constructor(
    private readonly config: { segmentBytes: number; snapshotFilesMax: number; capacityBytes?: number },
  ) {
    this.disk = new SimDisk(
      config.capacityBytes === undefined ? {} : { capacityBytes: config.capacityBytes },
    );
    this.persistence = this.open();
  }

  private open(): WalPersistence {
    return WalPersistence.open(this.disk, {
      dir: '/node',
      logger: new MemoryLogger(),
      metadata: { nodeId: 1, clusterId: 1 },
      segmentBytes: this.config.segmentBytes,
      snapshotFilesMax: this.config.snapshotFilesMax,
    });
  }

  private current(): ModelState {
    return apply(this.synced, this.pending);
  }

  /**
   * Runs one persistence call whose records the model adds to what may be on disk. A
   * full disk fails the call (the WAL then refuses further writes): the node crashes
   * and recovers, and the failed call's records may or may not have survived.
   */
  private write(records: ModelRecord[], sync: boolean, call: () => void): void {
    this.pending.push(...records);
    try {
      call();
    } catch (error) {
      if (!(error instanceof DiskError && error.code === 'ENOSPC')) throw error;
      enospcCount++;
      this.crashAndRecover(false, 0);
      return;
    }
    if (sync) {
      this.synced = this.current();
      this.pending = [];
    }
  }

  append(op: {
    count: number;
    back: number;
    bumpTerm: boolean;
    withHardState: boolean;
    commitLag: number;
    sync: boolean;
    bytes: number;
  }): void {
    const state = this.current();
    const floor = Math.max(state.snapshotIndex, state.hardState.commit);
    const first = Math.max(floor + 1, state.log.length + 1 - op.back);
    if (op.bumpTerm || first <= state.log.length) this.term++;
    const entries: Entry[] = [];
    for (let i = 0; i < op.count; i++) {
      const text = `${first + i}/${this.term}/${this.counter++}/`.padEnd(op.bytes, 'x');
      entries.push({
        index: first + i,
        term: this.term,
        type: 'normal',
        data: new TextEncoder().encode(text),
      });
    }
    const lastIndex = first + op.count - 1;
    const commit = Math.max(state.hardState.commit, lastIndex - op.commitLag);
    const hardState = op.withHardState ? { term: this.term, vote: (this.term % 3) + 1, commit } : undefined;
    const records: ModelRecord[] = entries.map((entry) => ({ type: 'entry', entry }));
    if (hardState !== undefined) records.push({ type: 'hardState', hardState });
    this.write(records, op.sync, () =>
      this.persistence.save({ entries, ...(hardState === undefined ? {} : { hardState }) }, op.sync),
    );
  }

  vote(sync: boolean): void {
    const state = this.current();
    this.term++;
    const hardState = { term: this.term, vote: (this.term % 3) + 1, commit: state.hardState.commit };
    this.write([{ type: 'hardState', hardState }], sync, () =>
      this.persistence.save({ entries: [], hardState }, sync),
    );
  }

  takeSnapshot(): void {
    const state = this.current();
    const index = state.hardState.commit;
    const entry = state.log[index - 1];
    if (index <= state.snapshotIndex || entry === undefined || entry === null) return;
    this.write([{ type: 'marker', index, logReset: false }], true, () =>
      this.persistence.saveSnapshot(snapshot(index, entry.term)),
    );
  }

  install(ahead: number): void {
    const state = this.current();
    const index = Math.max(state.log.length + ahead, state.snapshotIndex + 1);
    this.term++;
    const hardState = { term: this.term, vote: 0, commit: index };
    const records: ModelRecord[] = [
      { type: 'marker', index, logReset: true },
      { type: 'hardState', hardState },
    ];
    this.write(records, true, () =>
      this.persistence.save({ snapshot: snapshot(index, this.term), entries: [], hardState }, true),
    );
  }

  /** The snapshot file is durable but the crash comes before its WAL marker is written. */
  crashMidSnapshot(tear: boolean, seed: number): void {
    const state = this.current();
    const index = state.hardState.commit;
    const entry = state.log[index - 1];
    if (index > state.snapshotIndex && entry !== undefined && entry !== null) {
      const snapshotter = new Snapshotter(this.disk, {
        dir: '/node/snap',
        logger: new MemoryLogger(),
        snapshotFilesMax: this.config.snapshotFilesMax,
      });
      try {
        snapshotter.save(snapshot(index, entry.term));
      } catch (error) {
        if (!(error instanceof DiskError && error.code === 'ENOSPC')) throw error;
        enospcCount++;
      }
    }
    this.crashAndRecover(tear, seed);
  }

  crashAndRecover(tear: boolean, seed: number): void {
    this.disk.crash({ tearLastWrite: tear, random: new Xoshiro128(seed) });
    crashCount++;
    this.persistence = this.open();
    const recovered = this.persistence.load();
    let state = this.synced;
    const candidates = [state];
    for (const record of this.pending) candidates.push((state = apply(state, [record])));
    const match = candidates.find((candidate) => matches(recovered, candidate));
    if (match === undefined) {
      throw new Error(
        `recovered state matches no prefix of the written records: ` +
          `hardState ${JSON.stringify(recovered.hardState)} snapshot ${recovered.snapshot?.metadata.index ?? 0} ` +
          `entries ${recovered.entries.map((e) => `${e.index}@${e.term}`).join(',')}; synced ` +
          `${JSON.stringify(this.synced.hardState)} log ${this.synced.log.length}`,
      );
    }
    expect(recovered.hardState.term).toBeGreaterThanOrEqual(this.synced.hardState.term);
    const snapshotData =
      recovered.snapshot === undefined ? '' : new TextDecoder().decode(recovered.snapshot.data);
    if (recovered.snapshot !== undefined)
      expect(snapshotData).toBe(`state@${recovered.snapshot.metadata.index}`);
    this.synced = match;
    this.pending = [];
    this.term = Math.max(this.term, recovered.hardState.term);
  }
}

test(`WalPersistence recovers exactly the synced records plus a prefix of the rest across ${runs} crash schedules`, async () => {
  crashCount = 0;
  enospcCount = 0;
  await fc.assert(
    fc.property(schedule, ({ segmentBytes, snapshotFilesMax, capacityBytes, operations }) => {
      const harness = new Harness({
        segmentBytes,
        snapshotFilesMax,
        ...(capacityBytes === undefined ? {} : { capacityBytes }),
      });
      for (const op of operations) {
        if (op.kind === 'append') harness.append(op);
        else if (op.kind === 'vote') harness.vote(op.sync);
        else if (op.kind === 'snapshot') harness.takeSnapshot();
        else if (op.kind === 'install') harness.install(op.ahead);
        else if (op.kind === 'crashMidSnapshot') harness.crashMidSnapshot(op.tear, op.seed);
        else harness.crashAndRecover(op.tear, op.seed);
      }
      harness.crashAndRecover(true, operations.length);
    }),
    { seed: SEED, numRuns: runs },
  );
  console.log(
    `WAL crash property: ${runs} schedules, ${crashCount} crash/recovery cycles, ` +
      `${enospcCount} of them after ENOSPC (seed ${SEED})`,
  );
  if (runs >= 1000) expect(crashCount).toBeGreaterThanOrEqual(CRASHES_MIN);
});
