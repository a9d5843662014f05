// The checker's public surface. checker/ imports nothing outside checker/.
export {
  type CheckHistoryInWorkersOptions,
  type CheckHistoryOptions,
  checkHistory,
  checkHistoryInWorkers,
} from './check.js';
export type { CheckerClock } from './clock.js';
export type { CycleAnomaly, Edge, EdgeKind } from './elle/graph.js';
export { checkListAppend, type DirectAnomaly, type ElleResult } from './elle/list-append.js';
export { checkRwRegister } from './elle/rw-register.js';
export type { Explanation, StuckOperation } from './explanation.js';
export {
  decodeText,
  FormatError,
  formats,
  type HistoryFormat,
  writeEdnHistory,
  writeJsonl,
} from './formats/index.js';
export {
  type EventType,
  type History,
  HistoryError,
  type HistoryEvent,
  type Operation,
  type Process,
  pairOperations,
  type Verdict,
} from './history.js';
export {
  checkLinearizable,
  type LinearizabilityOptions,
  type LinearizabilityResult,
  type PartitionResult,
} from './linearizability.js';
export { checkLock, type HoldSpan, type LockViolation } from './lock.js';
export type { Model, ModelFactory, ModelOptions, StepResult } from './model.js';
export { models } from './models/index.js';
export { inThreadMsMaxDefault } from './parallel-check.js';
export { realCheckerClock } from './real-clock.js';
export {
  checkWatch,
  type WatchEvent,
  type WatchProblem,
  type WatchResponse,
  type WatchStream,
} from './watch.js';
