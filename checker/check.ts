// One call from a history to a linearizability result, for the CLI and the runner.
import type { CheckerClock } from './clock.js';
import { type History, pairOperations } from './history.js';
import { checkLinearizable, type LinearizabilityResult } from './linearizability.js';
import type { ModelOptions } from './model.js';
import { models } from './models/index.js';

export interface CheckHistoryOptions {
  /** A name in the model registry (`models`). */
  model: string;
  modelOptions?: ModelOptions;
  clock?: CheckerClock;
  timeoutMs?: number;
  memoEntriesMax?: number;
}

export function checkHistory(history: History, options: CheckHistoryOptions): LinearizabilityResult {
  const factory = models.get(options.model);
  if (factory === undefined) {
    throw new Error(
      `checkHistory: unknown model ${JSON.stringify(options.model)}; known: ${[...models.keys()].join(', ')}`,
    );
  }
  const model = factory(options.modelOptions ?? {});
  return checkLinearizable(model, pairOperations(history), {
    clock: options.clock,
    timeoutMs: options.timeoutMs,
    memoEntriesMax: options.memoEntriesMax,
  });
}
