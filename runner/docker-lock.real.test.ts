// Jepsen's 2020 etcd lock finding, reproduced on purpose rather than by luck: three
// containers (Debian's etcd 3.4, then etcd-ts), the lock-hold workload (2 s leases, 8 s critical
// sections, three locks), and a nemesis that pauses the node of a current lock holder
// for 5 s (`docker pause`), waits 3 s, and does it again. The paused holder's lease runs
// out, its rival on another node takes the lock, and the holder, still inside its
// critical section, overlaps it: the lock checker must find it INVALID, on etcd and on
// etcd-ts alike. The same faults against the lock-fencing workload must stay VALID: the
// stale holder's write is refused by the fence. Bounded: about 30 s of workload per run.

import { afterAll, describe, expect, test } from 'vitest';
import { checkFencing } from '../checker/fencing.js';
import { checkLock } from '../checker/lock.js';
import { ProcessClock } from '../server/ports/process-clock.js';
import { Xoshiro128 } from '../server/ports/random.js';
import { fencingWorkload } from '../workloads/fencing.js';
import { runGenerator } from '../workloads/generator.js';
import { GrpcClient } from '../workloads/grpc-client.js';
import { lockWorkload } from '../workloads/lock.js';
import { type RecordedEvent, Recorder } from '../workloads/recorder.js';
import { lockShape } from '../workloads/registry.js';
import type { Workload } from '../workloads/workload.js';
import { type DockerCluster, startDockerCluster } from './docker-cluster.js';
import type { SutKind } from './node-cluster.js';

const concurrency = 6;
const timeLimitMs = 30_000;
const pauseMs = 5_000;
const betweenPausesMs = 3_000;
/** Pauses one run may make; the time limit ends it long before. */
const pausesMax = 20;

const clusters: DockerCluster[] = [];
afterAll(async () => {
  for (const cluster of clusters) await cluster.stop();
});

function wait(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Workers whose process holds a lock now (acquire ok, release not yet invoked). */
function holders(history: readonly RecordedEvent[]): number[] {
  const holding = new Set<number>();
  for (const event of history) {
    if (event.process === 'nemesis') continue;
    if (event.f === 'acquire' && event.type === 'ok') holding.add(event.process);
    if (event.f === 'release' && event.type === 'invoke') holding.delete(event.process);
  }
  return [...holding].map((process) => process % concurrency);
}

/** Pauses the node of a current holder, again and again, until `done` says stop. */
async function pauseHolders(
  cluster: DockerCluster,
  recorder: Recorder,
  done: () => boolean,
): Promise<number> {
  let pauses = 0;
  while (!done() && pauses < pausesMax) {
    const holder = holders(recorder.history())[0];
    if (holder === undefined) {
      await wait(200);
      continue;
    }
    // Worker w talks to node w mod 3 (the generator's client assignment).
    const member = cluster.members[holder % cluster.members.length]!.name;
    recorder.note({ type: 'info', f: 'start-pause', value: { nodes: [member] } });
    await cluster.pause(member);
    await wait(pauseMs);
    await cluster.resume(member);
    recorder.note({ type: 'info', f: 'stop-pause', value: { nodes: [member] } });
    pauses++;
    await wait(betweenPausesMs);
  }
  return pauses;
}

async function runUnderPauses(kind: SutKind, workload: Workload): Promise<readonly RecordedEvent[]> {
  const cluster = await startDockerCluster({ kind, size: 3 });
  clusters.push(cluster);
  const clock = new ProcessClock();
  const startMs = clock.nowMs();
  const relativeClock = { nowMs: () => clock.nowMs() - startMs, setTimer: clock.setTimer.bind(clock) };
  const recorder = new Recorder({ clock: relativeClock, concurrency });
  const clients = cluster.members.map(
    (member) => new GrpcClient(`${member.clientListen.host}:${member.clientListen.port}`),
  );
  let finished = false;
  try {
    const nemesis = pauseHolders(cluster, recorder, () => finished);
    const generated = runGenerator(workload, {
      clock,
      random: new Xoshiro128(1),
      clients,
      concurrency,
      rateOpsPerSecond: 2,
      timeLimitMs,
      recorder,
    }).finally(() => {
      finished = true;
    });
    const [{ history }, pauses] = await Promise.all([generated, nemesis]);
    expect(pauses).toBeGreaterThan(0);
    return history;
  } finally {
    for (const client of clients) client.close();
    await cluster.stop();
  }
}

describe('the etcd lock finding in docker mode', () => {
  // etcd-ts's locks are leases too: the same race is expected by design, which is why
  // the fencing test below is the pattern to follow.
  test.each(['etcd', 'etcd-ts'] as SutKind[])(
    'lockWorkload() finds overlapping critical sections on %s when holders are paused past their lease',
    async (kind) => {
      const history = await runUnderPauses(
        kind,
        lockWorkload({ keyPrefix: '', recipe: 'v3lock', ...lockShape }),
      );
      const result = checkLock(history);
      console.log(
        `${kind} lock-hold: ${result.violations.length} overlaps; first: ${result.violations[0]?.description}`,
      );
      expect(result.valid).toBe(false);
    },
    180_000,
  );

  test.each(['etcd', 'etcd-ts'] as SutKind[])(
    'fencingWorkload() keeps the protected writes in token order on %s under the same pauses',
    async (kind) => {
      const history = await runUnderPauses(kind, fencingWorkload({ keyPrefix: '', ...lockShape }));
      const result = checkFencing(history);
      console.log(
        `${kind} lock-fencing: ${result.acceptedWrites} writes accepted, ${result.refusedWrites} refused by the fence, ${result.lockOverlaps} lock overlaps`,
      );
      expect(result.violations).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.acceptedWrites).toBeGreaterThan(0);
    },
    180_000,
  );
});
