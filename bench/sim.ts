// `npm run bench:sim`: how fast the deterministic simulator runs etcd-ts Raft clusters,
// in simulated seconds per wall-clock second, for 3 and 5 nodes with a client proposing
// 200 times a virtual second under random partitions, crashes, pauses, clock skew and
// lossy links. The target is at least 100x real time.

import { performance } from 'node:perf_hooks';
import { Xoshiro128 } from '../server/ports/random.js';
import { runSchedule } from '../sim/run-schedule.js';
import { generateSchedule } from '../sim/schedule.js';

const virtualSeconds = 60;
const proposalsPerSecond = 200;
const seeds = [1, 2, 3];
/** etcd's default timing: --heartbeat-interval=100 --election-timeout=1000 (ms). */
const tickMs = 100;
const electionTicks = 10;

interface Row {
  nodes: number;
  virtualS: number;
  wallS: number;
  cpuS: number;
  events: number;
  acknowledged: number;
  outcome: string;
}

function measure(nodeCount: number, seed: number): Row {
  const gapMsMax = 2_000;
  const steps = Math.round((virtualSeconds * 1000) / (gapMsMax / 2));
  const schedule = generateSchedule(new Xoshiro128(seed), {
    nodeCount,
    stepsMin: steps,
    stepsMax: steps,
    gapMsMax,
  });
  const startMs = performance.now();
  const cpuStart = process.cpuUsage();
  const result = runSchedule(schedule, seed, {
    clientIntervalMs: 1000 / proposalsPerSecond,
    tickMs,
    electionTicks,
    heartbeatTicks: 1,
  });
  const wallS = (performance.now() - startMs) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return {
    nodes: nodeCount,
    virtualS: result.world.nowMs() / 1000,
    wallS,
    cpuS,
    events: result.world.processedEvents,
    acknowledged: result.world.acknowledged.size,
    outcome: result.type === 'ok' ? 'ok' : `FAILED ${result.caughtBy}`,
  };
}

function main(): number {
  console.log(
    `sim bench: ${seeds.length} runs per size, ~${virtualSeconds} virtual s of faults each, ${proposalsPerSecond} proposals/s, ` +
      `etcd default timing (heartbeat ${tickMs} ms, election ${tickMs * electionTicks} ms)`,
  );
  console.log(
    'nodes | virtual s | wall s | x real time | cpu s | x per cpu s | events/wall s | acked proposals | outcome',
  );
  let failed = false;
  for (const nodeCount of [3, 5]) {
    // One unmeasured run first, so the JIT has compiled the hot paths before timing starts.
    measure(nodeCount, 0);
    const rows = seeds.map((seed) => measure(nodeCount, seed));
    const virtualS = rows.reduce((sum, row) => sum + row.virtualS, 0);
    const wallS = rows.reduce((sum, row) => sum + row.wallS, 0);
    const cpuS = rows.reduce((sum, row) => sum + row.cpuS, 0);
    const events = rows.reduce((sum, row) => sum + row.events, 0);
    const acknowledged = rows.reduce((sum, row) => sum + row.acknowledged, 0);
    const outcomes = [...new Set(rows.map((row) => row.outcome))].join(',');
    failed ||= outcomes !== 'ok';
    console.log(
      `${String(nodeCount).padStart(5)} | ${virtualS.toFixed(1).padStart(9)} | ${wallS.toFixed(2).padStart(6)} | ` +
        `${(virtualS / wallS).toFixed(0).padStart(11)} | ${cpuS.toFixed(2).padStart(5)} | ` +
        `${(virtualS / cpuS).toFixed(0).padStart(10)} | ${(events / wallS).toFixed(0).padStart(13)} | ` +
        `${String(acknowledged).padStart(15)} | ${outcomes}`,
    );
  }
  console.log(
    'target: >= 100x real time (simulated seconds per wall second). On a shared machine wall time includes ' +
      'waiting for a core; "x per cpu s" divides by the CPU time this process actually got.',
  );
  return failed ? 1 : 0;
}

process.exitCode = main();
