// The process test-all forks per job (matrix-executor.ts): it waits for run requests
// over IPC, runs and stores each one exactly as `etcd-chaos test` does, and replies with
// progress and the run's summary. It exits when test-all disconnects.

import { type ChildReply, type ChildRequest, messageOf, quietIo, summaryOf } from './matrix-executor.js';
import { storeSimRun, testCommandOf } from './sim-run-store.js';

function reply(message: ChildReply): void {
  process.send?.(message);
}

async function runRequest(request: ChildRequest): Promise<void> {
  try {
    const stored = await storeSimRun(request.options, {
      store: request.store,
      io: quietIo,
      onProgress: (progress) => reply({ type: 'progress', progress }),
      refreshIndex: false,
    });
    reply({ type: 'done', summary: summaryOf(stored, testCommandOf(request.options)) });
  } catch (error) {
    reply({ type: 'failed', message: messageOf(error) });
  }
}

if (process.send !== undefined) {
  process.on('message', (request: ChildRequest) => {
    if (request.type === 'run') void runRequest(request);
  });
  process.on('disconnect', () => process.exit(0));
}
