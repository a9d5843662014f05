// The child-process executor's protocol, with stand-in children: a reply's progress and
// summary come back, a child that dies mid-run is a crashed outcome and is replaced for
// the next run, and close() ends the child.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { matrixRuns } from './matrix.js';
import { childProcessExecutor } from './matrix-executor.js';
import type { SimProgress } from './run-sim.js';

const folder = mkdtempSync(join(tmpdir(), 'etcd-chaos-executor-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A stand-in child: answers a run of seed 1 with progress and a summary, dies on any other seed. */
const childPath = join(folder, 'child.mjs');
writeFileSync(
  childPath,
  `process.on('message', (request) => {
  if (request.options.seed !== 1) process.exit(3);
  process.send({ type: 'progress', progress: { virtualTimeMs: 5000, events: 10, faults: 1 } });
  process.send({ type: 'done', summary: { verdict: true, opCount: 7, faultCount: 1, directory: request.store + '/d', historyHash: 'h', testCommand: 't' } });
});
process.on('disconnect', () => process.exit(0));
`,
);

const [run] = matrixRuns({ seed: 1, workloads: ['register'], nemesisSets: ['none'] });

describe('childProcessExecutor', () => {
  test('`childProcessExecutor()` returns the child progress and summary, and a dead child as crashed', async () => {
    const executor = childProcessExecutor('the-store', childPath);
    try {
      const progress: SimProgress[] = [];
      const done = await executor.run({ ...run!, options: { ...run!.options, seed: 1 } }, (item) =>
        progress.push(item),
      );
      expect(done).toMatchObject({ type: 'done', summary: { opCount: 7, directory: 'the-store/d' } });
      expect(progress).toEqual([{ virtualTimeMs: 5000, events: 10, faults: 1 }]);
      const crashed = await executor.run({ ...run!, options: { ...run!.options, seed: 2 } }, () => {});
      expect(crashed.type).toBe('crashed');
      if (crashed.type === 'crashed') expect(crashed.message).toContain('exited (3)');
      // The dead child was replaced: the next run gets an answer again.
      const again = await executor.run({ ...run!, options: { ...run!.options, seed: 1 } }, () => {});
      expect(again.type).toBe('done');
    } finally {
      executor.close();
    }
  });
});
