// test-all on real clusters (`--mode process|docker`): each matrix cell becomes a
// cluster run with the same options and seed a `test --mode process|docker` run would
// take, started, faulted through Toxiproxy and signals, checked and stored by
// runClusterAndStore. Cells run one at a time: each starts its own members and
// Toxiproxy, and two clusters at once would share the machine's cores and make each
// other's timeouts fire.

import type { CommandIo } from './commands/command.js';
import type { MatrixRun } from './matrix.js';
import { type MatrixExecutor, messageOf, summaryOf } from './matrix-executor.js';
import type { SutKind } from './node-cluster.js';
import { dockerLauncher, processLauncher } from './process-prerequisites.js';
import type { ClusterTestOptions } from './run-cluster.js';
import { clusterTestCommandOf, runClusterAndStore } from './run-cluster-store.js';

export interface ClusterMatrixTarget {
  readonly mode: 'process' | 'docker';
  readonly db: SutKind;
}

/** The cluster run a matrix cell stands for. */
export function clusterOptionsOf(run: MatrixRun, target: ClusterMatrixTarget): ClusterTestOptions {
  // The simulator's own knob has no meaning on a real cluster.
  const { eventsMax: _simulatorOnly, ...shape } = run.options;
  return { ...shape, mode: target.mode, db: target.db };
}

export function clusterExecutor(
  store: string,
  context: { target: ClusterMatrixTarget; io: CommandIo },
): MatrixExecutor {
  const { target, io } = context;
  return {
    async run(run, onProgress) {
      const startMs = Date.now();
      const options = clusterOptionsOf(run, target);
      try {
        const stored = await runClusterAndStore(options, {
          store,
          io,
          launch: target.mode === 'process' ? processLauncher() : dockerLauncher(),
          onProgress: (progress) =>
            onProgress({
              virtualTimeMs: progress.elapsedMs,
              events: progress.events,
              faults: progress.faults,
            }),
        });
        const summary = summaryOf(stored, clusterTestCommandOf(options));
        return { type: 'done', summary, wallMs: Date.now() - startMs };
      } catch (error) {
        return { type: 'crashed', message: messageOf(error), wallMs: Date.now() - startMs };
      }
    },
    close() {},
  };
}
