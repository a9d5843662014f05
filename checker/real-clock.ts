// The real CheckerClock: milliseconds since the epoch with sub-millisecond resolution, the
// same reading in every worker thread (each thread's performance.now() has its own origin).
import { performance } from 'node:perf_hooks';
import type { CheckerClock } from './clock.js';

export const realCheckerClock: CheckerClock = {
  nowMs: () => performance.timeOrigin + performance.now(),
};
