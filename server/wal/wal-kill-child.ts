// Test fixture for wal-kill.test.ts, run as its own Node process: it opens (or
// recovers) a WAL on the real disk and appends synced batches until it is SIGKILLed,
// printing `synced <lastIndex> <term>` after each fsync returns. Every few batches it
// takes a snapshot so that segment release runs under the kills too.
//
// Arguments: DIR SEED SEGMENT_BYTES. Randomness comes from the seeded Random port.

import { Xoshiro128 } from '../ports/random.js';
import { RealDisk } from '../ports/real-disk.js';
import type { Entry } from '../raft/types.js';
import { entryText } from './test-support.js';
import { WalPersistence } from './wal-persistence.js';

const BATCHES_MAX = 1_000_000;
const SNAPSHOT_EVERY_BATCHES = 40;

function run(): void {
  const [dir, seedText, segmentBytesText] = process.argv.slice(2);
  if (dir === undefined || seedText === undefined || segmentBytesText === undefined) {
    process.stderr.write('usage: wal-kill-child DIR SEED SEGMENT_BYTES\n');
    process.exit(254);
  }
  const random = new Xoshiro128(Number(seedText));
  const persistence = WalPersistence.open(new RealDisk(), {
    dir,
    logger: {
      info: (line) => process.stderr.write(`${line}\n`),
      warn: (line) => process.stderr.write(`${line}\n`),
    },
    metadata: { nodeId: 1, clusterId: 1 },
    segmentBytes: Number(segmentBytesText),
  });
  const recovered = persistence.load();
  let lastIndex = recovered.entries.at(-1)?.index ?? recovered.snapshot?.metadata.index ?? 0;
  const term = recovered.hardState.term + 1;
  let commit = recovered.hardState.commit;
  let lastSnapshot = recovered.snapshot?.metadata.index ?? 0;
  process.stdout.write(`ready ${lastIndex} ${term}\n`);
  for (let batch = 1; batch <= BATCHES_MAX; batch++) {
    const entries: Entry[] = [];
    const count = random.intBetween(1, 16);
    for (let i = 1; i <= count; i++) {
      const index = lastIndex + i;
      entries.push({ index, term, type: 'normal', data: new TextEncoder().encode(entryText(index, term)) });
    }
    lastIndex += count;
    commit = Math.max(commit, lastIndex - random.intBetween(0, 3));
    persistence.save({ entries, hardState: { term, vote: 1, commit } }, true);
    process.stdout.write(`synced ${lastIndex} ${term}\n`);
    if (batch % SNAPSHOT_EVERY_BATCHES === 0 && commit > lastSnapshot) {
      lastSnapshot = commit;
      persistence.saveSnapshot({
        metadata: { index: commit, term, confState: { voters: [1], learners: [] } },
        data: new TextEncoder().encode(`snapshot ${commit}`),
      });
    }
  }
}

run();
