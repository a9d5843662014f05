// Benchmark: our linearizability checker against Porcupine (the Go original) on the same
// seeded histories, in the same run, cold (first run in a fresh process) and warm (further
// runs in that process), the fastest of several processes and runs. Each checker runs per case in its own process so
// peak RSS is per case. `npm run bench:checker`; BENCH_CHECKER_QUICK=1 runs the cases of at most 10k
// operations only, BENCH_CHECKER_CASES=TEXT[,TEXT...] only the cases whose name contains one (every
// case is still generated, so a case's file is the same whatever is run: the 100k files add about
// ten seconds to a quick run), BENCH_CHECKER_KEEP=1 keeps the files.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  checkHistoryInWorkers,
  decodeText,
  formats,
  inThreadMsMaxDefault,
  writeJsonl,
} from '../checker/index.js';
import { injectStaleRead, simulateHistory } from '../checker/simulate.js';
import { Xoshiro128 } from '../server/ports/random.js';

const seed = 42;
const caseTimeoutSeconds = 30;

interface BenchCase {
  kind: 'register' | 'kv';
  clients: number;
  operations: number;
  crashPercent: number;
  invalid: boolean;
}

// One key with 50 busy clients is beyond any WGL search (Porcupine too): the register
// cases use fewer clients; the kv cases spread 50 clients over 10 keys.
const allCases: BenchCase[] = [
  { kind: 'register', clients: 5, operations: 1_000, crashPercent: 0, invalid: false },
  { kind: 'register', clients: 5, operations: 1_000, crashPercent: 2, invalid: true },
  { kind: 'register', clients: 10, operations: 10_000, crashPercent: 2, invalid: false },
  { kind: 'register', clients: 10, operations: 10_000, crashPercent: 0, invalid: true },
  { kind: 'register', clients: 5, operations: 100_000, crashPercent: 0, invalid: false },
  { kind: 'register', clients: 5, operations: 100_000, crashPercent: 1, invalid: true },
  { kind: 'kv', clients: 5, operations: 1_000, crashPercent: 0, invalid: false },
  { kind: 'kv', clients: 5, operations: 1_000, crashPercent: 2, invalid: true },
  { kind: 'kv', clients: 50, operations: 10_000, crashPercent: 2, invalid: false },
  { kind: 'kv', clients: 50, operations: 10_000, crashPercent: 0, invalid: true },
  { kind: 'kv', clients: 20, operations: 100_000, crashPercent: 0, invalid: false },
  { kind: 'kv', clients: 50, operations: 100_000, crashPercent: 1, invalid: false },
  { kind: 'kv', clients: 10, operations: 100_000, crashPercent: 1, invalid: true },
  { kind: 'kv', clients: 50, operations: 100_000, crashPercent: 0, invalid: true },
];

interface Measurement {
  valid: boolean | 'unknown' | 'error';
  /** The first read + parse + check in a fresh process: what one `etcd-chaos check` run pays. */
  ms: number;
  /** The fastest of the further runs in the same process (JIT and caches warm); `ms` when there are none. */
  warmMs: number;
  maxRssKb: number;
}

/**
 * Runs per case in each process: the first is timed as cold, the fastest of the rest as
 * warm. A 1k case needs about 20 runs before V8 has optimized the hot functions (after 5,
 * some still ran unoptimized), so warm means what it says. A 10k case's second run
 * mostly pays for collecting the first one's garbage (a 15-17 ms mark-compact on the kv
 * cases), so 10k cases take 5.
 */
function runsFor(operations: number): number {
  return operations <= 1_000 ? 20 : operations <= 10_000 ? 5 : 1;
}

/**
 * Processes per case and side; the fastest cold run of them counts. On a shared machine
 * interference only adds time, so the fastest of a few is the closest to the real cost.
 */
function processesFor(operations: number): number {
  return operations <= 10_000 ? 3 : 1;
}

/** Worker threads for our checker: the CLI's default. */
const workers = availableParallelism();

/** Reads, parses and checks `file` once, timing all of it (the span the Go harness times too). */
async function checkOnce(file: string, model: string): Promise<{ valid: boolean | 'unknown'; ms: number }> {
  const startMs = performance.now();
  const { history, modelOptions } = formats.get('jsonl')!.read(decodeText(readFileSync(file)), file);
  const result = await checkHistoryInWorkers(history, {
    model,
    modelOptions,
    clock: { nowMs: () => performance.now() },
    timeoutMs: caseTimeoutSeconds * 1000,
    workers,
  });
  return { valid: result.valid, ms: performance.now() - startMs };
}

/** Child mode: check one file `runs` times in this process and report the times and peak RSS. */
async function child(file: string, model: string, runs: number): Promise<void> {
  const cold = await checkOnce(file, model);
  const warm: number[] = [];
  for (let run = 1; run < runs; run++) warm.push((await checkOnce(file, model)).ms);
  warm.sort((a, b) => a - b);
  const warmMs = warm.length === 0 ? cold.ms : warm[0]!;
  process.stdout.write(
    `${JSON.stringify({ valid: cold.valid, ms: cold.ms, warmMs, maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
}

/** `measure` in `processes` fresh processes: the fastest cold and warm times, the largest RSS. */
function measureFastest(command: string, args: string[], processes: number): Measurement {
  const all = Array.from({ length: processes }, () => measure(command, args));
  const first = all[0]!;
  if (all.some((item) => item.valid === 'error')) return { ...first, valid: 'error' };
  return {
    valid: first.valid,
    ms: Math.min(...all.map((item) => item.ms)),
    warmMs: Math.min(...all.map((item) => item.warmMs)),
    maxRssKb: Math.max(...all.map((item) => item.maxRssKb)),
  };
}

function measure(command: string, args: string[]): Measurement {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: (caseTimeoutSeconds + 30) * 1000 * 5 });
  const line = run.stdout?.trim().split('\n').at(-1);
  if (run.status !== 0 || line === undefined || line === '') {
    process.stderr.write(`${command} failed: ${run.stderr ?? run.error}\n`);
    return { valid: 'error', ms: Number.NaN, warmMs: Number.NaN, maxRssKb: 0 };
  }
  return JSON.parse(line) as Measurement;
}

function caseName(benchCase: BenchCase): string {
  return `${benchCase.kind} c=${benchCase.clients} n=${benchCase.operations} info=${benchCase.crashPercent}% ${benchCase.invalid ? 'invalid' : 'valid'}`;
}

function generate(benchCase: BenchCase, random: Xoshiro128): string {
  const history = simulateHistory(random, {
    ...benchCase,
    keys: benchCase.kind === 'kv' ? 10 : 1,
    failPercent: 1,
  });
  if (!benchCase.invalid) return writeJsonl(history);
  const stale = injectStaleRead(history, random);
  if (stale === undefined) throw new Error(`bench: no read to make stale in ${JSON.stringify(benchCase)}`);
  return writeJsonl(stale);
}

function main(): void {
  const quick = process.env.BENCH_CHECKER_QUICK === '1';
  const only = process.env.BENCH_CHECKER_CASES?.split(',');
  const keep = process.env.BENCH_CHECKER_KEEP === '1';
  const isQuickCase = (item: BenchCase): boolean => item.operations <= 10_000;
  const cases = quick ? allCases.filter(isQuickCase) : allCases;
  const directory = mkdtempSync(join(tmpdir(), 'bench-checker-'));
  const harness = join(directory, 'porcupine-harness');
  const go = process.env.GO ?? '/usr/local/go/bin/go';
  console.log(
    `bench:checker seed=${seed} cases=${cases.length} timeout=${caseTimeoutSeconds}s workers=${workers} (partitions unfinished after ${inThreadMsMaxDefault} ms move to threads) dir=${directory}`,
  );
  execFileSync(go, ['build', '-o', harness, '.'], { cwd: resolve('bench/porcupine'), stdio: 'inherit' });
  const self = fileURLToPath(import.meta.url);
  const random = new Xoshiro128(seed);
  console.log(
    'Both sides time the same span in their own process: read the file, parse it, check it (process start and, for us, module loading excluded). ' +
      'cold = the first run in a fresh process (what one `etcd-chaos check` pays, JIT cold for us), the fastest of the processes run; ' +
      `warm = the fastest of the further runs in that process (1k cases: ${processesFor(1_000)} processes of ${runsFor(1_000)} runs, ` +
      `10k: ${processesFor(10_000)} of ${runsFor(10_000)}; 100k: ${runsFor(100_000)} run, cold = warm). ` +
      'The machine may be shared: compare the ratios, not the absolute times.',
  );
  const header = [
    'case',
    'ours cold ms',
    'porcupine cold ms',
    'cold ratio',
    'ours warm ms',
    'porcupine warm ms',
    'warm ratio',
    'ours',
    'porcupine',
    'ours RSS MiB',
    'porcupine RSS MiB',
  ];
  console.log(header.join('\t'));
  let worstColdRatio = 0;
  let worstWarmRatio = 0;
  let mismatches = 0;
  let porcupineUndecided = 0;
  let maxRssKb = 0;
  // Every case is generated, measured or not, so a case's file is the same in every run.
  for (const [i, benchCase] of allCases.entries()) {
    const file = join(directory, `case-${i}.jsonl`);
    writeFileSync(file, generate(benchCase, random));
    const name = caseName(benchCase);
    if (
      (quick && !isQuickCase(benchCase)) ||
      (only !== undefined && !only.some((text) => name.includes(text)))
    ) {
      if (!keep) rmSync(file);
      continue;
    }
    const model = benchCase.kind === 'register' ? 'register' : 'kv';
    const runs = String(runsFor(benchCase.operations));
    const processes = processesFor(benchCase.operations);
    const ours = measureFastest(process.execPath, [self, '--child', file, model, runs], processes);
    const theirs = measureFastest(harness, [file, String(caseTimeoutSeconds), runs], processes);
    const coldRatio = ours.ms / theirs.ms;
    const warmRatio = ours.warmMs / theirs.warmMs;
    worstColdRatio = Math.max(worstColdRatio, coldRatio);
    worstWarmRatio = Math.max(worstWarmRatio, warmRatio);
    maxRssKb = Math.max(maxRssKb, ours.maxRssKb);
    // A verdict differs only when both decided; an "unknown" (timeout) is reported as such.
    if (ours.valid !== theirs.valid && typeof ours.valid === 'boolean' && typeof theirs.valid === 'boolean')
      mismatches++;
    if (theirs.valid === 'unknown' && ours.valid !== 'unknown') porcupineUndecided++;
    console.log(
      [
        name,
        ours.ms.toFixed(1),
        theirs.ms.toFixed(1),
        coldRatio.toFixed(2),
        ours.warmMs.toFixed(1),
        theirs.warmMs.toFixed(1),
        warmRatio.toFixed(2),
        ours.valid,
        theirs.valid,
        (ours.maxRssKb / 1024).toFixed(0),
        (theirs.maxRssKb / 1024).toFixed(0),
      ].join('\t'),
    );
    if (!keep) rmSync(file);
  }
  if (!keep) rmSync(directory, { recursive: true, force: true });
  console.log(
    `summary: worst cold ratio ${worstColdRatio.toFixed(2)}, worst warm ratio ${worstWarmRatio.toFixed(2)} (target <= 0.5), verdicts that disagree ${mismatches}, decided by us but not Porcupine ${porcupineUndecided}, our peak RSS ${(maxRssKb / 1024).toFixed(0)} MiB (limit 1024)`,
  );
}

if (process.argv[2] === '--child')
  await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5] ?? 1));
else main();
