// The workloads' public surface, for the runner and the simulator.
export {
  ClientError,
  type ClientErrorReason,
  type RequestOptions,
  requestTimeoutMsDefault,
  type WorkloadClient,
} from './client.js';
export {
  type GeneratorOptions,
  type GeneratorResult,
  rateOpsPerSecondDefault,
  runGenerator,
} from './generator.js';
export { GrpcClient, type GrpcClientOptions } from './grpc-client.js';
export { InProcessClient, type InProcessClientOptions } from './in-process-client.js';
export { type CriticalSection, criticalSections } from './lock.js';
export { classifyError, clientErrorOutcomes, type ErrorOutcome, etcdErrorOutcomes } from './outcome.js';
export { type Completion, type OperationRequest, type RecordedEvent, Recorder } from './recorder.js';
export { workloads } from './registry.js';
export { ServiceWorkloadClient, type WorkloadService } from './service-client.js';
export type {
  InvokeContext,
  Workload,
  WorkloadChecker,
  WorkloadFactory,
  WorkloadOptions,
} from './workload.js';
