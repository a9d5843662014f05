// Test helper: runs a workload against a MemoryEtcd on a ManualClock and returns the
// history, so each workload test is one call.

import { Xoshiro128 } from '../../server/ports/random.js';
import { ManualClock } from '../../server/ports/testing/manual-clock.js';
import { type GeneratorResult, runGenerator } from '../generator.js';
import { InProcessClient } from '../in-process-client.js';
import type { Workload } from '../workload.js';
import { lossyService } from './lossy-service.js';
import { MemoryEtcd } from './memory-etcd.js';

export interface TestRunOptions {
  readonly seed: number;
  readonly opsMax: number;
  readonly staleReads?: number;
  readonly concurrency?: number;
  readonly rateOpsPerSecond?: number;
  /** Lose this many answers per thousand requests (applied or not). Default 0. */
  readonly lostPerMille?: number;
}

export async function runAgainstMemory(
  workload: Workload,
  options: TestRunOptions,
): Promise<GeneratorResult> {
  const clock = new ManualClock();
  const service = new MemoryEtcd({ clock, staleReads: options.staleReads ?? 0 });
  const lossy = lossyService(service, {
    random: new Xoshiro128(options.seed + 1),
    lostPerMille: options.lostPerMille ?? 0,
  });
  const clients = [0, 1, 2].map(() => new InProcessClient(lossy, { clock, timeoutMsDefault: 1000 }));
  return clock.drive(
    runGenerator(workload, {
      clock,
      random: new Xoshiro128(options.seed),
      clients,
      opsMax: options.opsMax,
      concurrency: options.concurrency,
      rateOpsPerSecond: options.rateOpsPerSecond,
      requestTimeoutMs: 1000,
    }),
  );
}
