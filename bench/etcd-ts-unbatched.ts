// bench:server's second etcd-ts: the same `etcd-ts` command line with proposal batching
// turned off, so that every proposal pays its own Raft append and fsync. It exists only
// to measure what batching buys; runner/process-cluster.ts starts it as its etcd-ts entry.

import { fileURLToPath } from 'node:url';
import { disableProposalBatchingForBenchmark } from '../server/node/raft-loop.js';

disableProposalBatchingForBenchmark();
// server/main.js serves only when it is the script node was started with.
process.argv[1] = fileURLToPath(new URL('../server/main.js', import.meta.url));
await import('../server/main.js');
