// `npm run bench:sim`: how fast the deterministic simulator runs etcd-ts Raft clusters,
// in simulated seconds per wall-clock second, for 3 and 5 nodes with a client proposing
// 200 times a virtual second under random partitions, crashes, pauses, clock skew and
// lossy links. The target is at least 100x real time. Then the test-all figure:
// the CPU one default matrix run of each workload takes (sim, checker and stored report
// included, under `mixed` faults), and what the whole default matrix costs from that.

import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { defaultNemesisSets, defaultWorkloads, matrixRuns } from '../runner/matrix.js';
import { runSimTest } from '../runner/run-sim.js';
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

/** CPU seconds of one default-matrix run per workload, and the whole matrix's estimate. */
async function matrixFigure(): Promise<number> {
  const sets = defaultNemesisSets();
  const runs = matrixRuns({ seed: 1, nemesisSets: ['mixed'] });
  console.log(
    `\ntest-all figure: one ${runs[0]?.options.timeLimitS} s virtual run per workload under mixed faults`,
  );
  console.log('workload      | cpu s | ops   | verdict');
  let cpuTotalS = 0;
  let failed = false;
  for (const run of runs) {
    const cpuStart = process.cpuUsage();
    let outcome: string;
    let ops = 0;
    try {
      const result = await runSimTest(run.options);
      ops = result.opCount;
      outcome = String(result.results.valid);
    } catch (error) {
      outcome = `crashed: ${(error as Error).message}`;
    }
    const cpu = process.cpuUsage(cpuStart);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    cpuTotalS += cpuS;
    failed ||= outcome !== 'true';
    console.log(
      `${run.workload.padEnd(13)} | ${cpuS.toFixed(2).padStart(5)} | ${String(ops).padStart(5)} | ${outcome}`,
    );
  }
  const cores = availableParallelism();
  const matrixCpuS = cpuTotalS * sets.length;
  console.log(
    `default matrix: ${defaultWorkloads().length} workloads x ${sets.length} fault sets ~ ${matrixCpuS.toFixed(0)} cpu s, ` +
      `~${(matrixCpuS / cores).toFixed(0)} s wall on ${cores} free cores (budget: npm run chaos within 180 s incl. build)`,
  );
  return failed ? 1 : 0;
}

const raftExit = main();
process.exitCode = Math.max(raftExit, await matrixFigure());
