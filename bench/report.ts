// `npm run bench:report`: generates a 100,000-operation run (register workload on 32
// processes, with partitions every few seconds and an invalid linearizability result),
// renders its report.html and prints the file size and the time to read and render it.
// Target (issue 8): under 10 MB; the browser opening time is measured by the browser tests.
// BENCH_REPORT_OPERATIONS sets the size; BENCH_REPORT_KEEP=1 keeps the run directory to open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHistory } from '../checker/check.js';
import type { History, HistoryEvent } from '../checker/history.js';
import { HistoryBuilder } from '../checker/history-builder.js';
import { readRunDir } from '../reports/run-dir.js';
import { writeRunFixture } from '../reports/run-fixture.js';
import { renderRunReport, writeRunReport } from '../reports/run-report.js';
import { Xoshiro128 } from '../server/ports/random.js';

const operationCount = Number(process.env.BENCH_REPORT_OPERATIONS ?? 100_000);
const processCount = 32;
const keyCount = 10;
const seed = 20261124;
const fileBytesMax = 10 * 1024 * 1024;
const partitionEveryUs = 4_000_000;
const partitionLengthUs = 1_500_000;

/** A register history with realistic shape: per-process sequential ops, slower and lossier during faults. */
function generateHistory(): History {
  const random = new Xoshiro128(seed);
  const events: Array<Omit<HistoryEvent, 'index'>> = [];
  const clocks = new Array<number>(processCount).fill(0);
  const lastWrite = new Array<number>(keyCount).fill(0);
  const inFault = (time: number): boolean => time % partitionEveryUs >= partitionEveryUs - partitionLengthUs;
  for (let i = 0; i < operationCount; i++) {
    const process = i % processCount;
    const start = clocks[process]! + random.intBetween(0, 3_000);
    const faulty = inFault(start);
    const latencyUs = faulty ? random.intBetween(2_000, 400_000) : random.intBetween(300, 12_000);
    const key = `k${random.intBelow(keyCount)}`;
    const isWrite = random.chance(1, 2);
    const value = isWrite ? i : lastWrite[Number(key.slice(1))];
    events.push({
      time: start,
      process,
      type: 'invoke',
      f: isWrite ? 'write' : 'read',
      key,
      ...(isWrite ? { value } : {}),
    });
    const outcome = faulty && random.chance(1, 5) ? 'info' : faulty && random.chance(1, 5) ? 'fail' : 'ok';
    events.push({
      time: start + latencyUs,
      process,
      type: outcome,
      f: isWrite ? 'write' : 'read',
      key,
      value,
    });
    if (isWrite && outcome === 'ok') lastWrite[Number(key.slice(1))] = i;
    clocks[process] = start + latencyUs;
  }
  const end = Math.max(...clocks);
  for (let time = partitionEveryUs - partitionLengthUs; time < end; time += partitionEveryUs) {
    events.push({ time, process: 'nemesis', type: 'info', f: 'start-partition', value: 'majority-ring' });
    events.push({ time: time + partitionLengthUs, process: 'nemesis', type: 'info', f: 'stop-partition' });
  }
  events.sort((a, b) => a.time - b.time);
  return events.map((event, index) => ({ index, ...event }));
}

function main(): void {
  const directory = join(mkdtempSync(join(tmpdir(), 'bench-report-')), 'register', '20261124T000000');
  const generateStart = performance.now();
  const history = generateHistory();
  // The generated history is not checked (that is bench:checker's job); a real explanation from a
  // six-event stale read gives the page a violation section and two highlighted operations.
  const stale = new HistoryBuilder()
    .invoke(0, 'write', { key: 'k1', value: 1 })
    .ok(0, 'write', { key: 'k1', value: 1 })
    .invoke(0, 'write', { key: 'k1', value: 2 })
    .ok(0, 'write', { key: 'k1', value: 2 })
    .invoke(1, 'read', { key: 'k1' })
    .ok(1, 'read', { key: 'k1', value: 1 }).history;
  const result = checkHistory(stale, { model: 'register' });
  writeRunFixture(directory, {
    config: {
      name: 'bench-report',
      sut: 'etcd-ts',
      workload: 'register',
      nemesis: 'partition',
      seed: String(seed),
      timeUnit: 'us',
      replayCommand: 'npm run bench:report',
    },
    history,
    results: {
      version: 1,
      valid: false,
      checkers: [
        { type: 'linearizability', name: 'linearizable register', valid: false, model: 'register', result },
      ],
    },
  });
  const generateMs = performance.now() - generateStart;

  const readStart = performance.now();
  const run = readRunDir(directory);
  const readMs = performance.now() - readStart;
  const renderStart = performance.now();
  const html = renderRunReport(run);
  const renderMs = performance.now() - renderStart;
  const { bytes } = writeRunReport(directory);
  const parseStart = performance.now();
  const data =
    /<script type="application\/json" id="timeline-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}';
  JSON.parse(data);
  const parseMs = performance.now() - parseStart;

  const mb = (value: number): string => (value / 1024 / 1024).toFixed(2);
  console.log(
    `operations: ${operationCount} (${history.length} events, ${processCount} processes), seed ${seed}`,
  );
  console.log(`generate + write fixture: ${generateMs.toFixed(0)} ms`);
  console.log(`read run directory: ${readMs.toFixed(0)} ms`);
  console.log(`render report: ${renderMs.toFixed(0)} ms`);
  console.log(
    `report.html: ${mb(bytes)} MB (limit ${mb(fileBytesMax)} MB) ${bytes < fileBytesMax ? 'OK' : 'OVER LIMIT'}`,
  );
  console.log(`timeline data: ${mb(data.length)} MB, JSON.parse in ${parseMs.toFixed(0)} ms`);
  if (run.problems.length > 0) console.log(`problems reading the run: ${run.problems.length}`);
  if (process.env.BENCH_REPORT_KEEP === '1') console.log(`kept: ${join(directory, 'report.html')}`);
  else rmSync(join(directory, '..', '..'), { recursive: true, force: true });
  if (bytes >= fileBytesMax) process.exitCode = 1;
}

main();
