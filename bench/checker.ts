// Benchmark: our linearizability checker against Porcupine (the Go original) on the same
// seeded histories, in the same run. Each checker runs per case in its own process so
// peak RSS is per case. `npm run bench:checker`; BENCH_CHECKER_QUICK=1 runs the small cases only.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { checkHistory, formats, writeJsonl } from '../checker/index.js';
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
  ms: number;
  maxRssKb: number;
}

/** Child mode: check one file in this process and report time and peak RSS. */
function child(file: string, model: string): void {
  const startMs = performance.now();
  const { history, modelOptions } = formats.get('jsonl')!.read(readFileSync(file, 'utf8'), file);
  const result = checkHistory(history, {
    model,
    modelOptions,
    clock: { nowMs: () => performance.now() },
    timeoutMs: caseTimeoutSeconds * 1000,
  });
  const ms = performance.now() - startMs;
  process.stdout.write(
    `${JSON.stringify({ valid: result.valid, ms, maxRssKb: process.resourceUsage().maxRSS })}\n`,
  );
}

function measure(command: string, args: string[]): Measurement {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: (caseTimeoutSeconds + 30) * 1000 });
  const line = run.stdout?.trim().split('\n').at(-1);
  if (run.status !== 0 || line === undefined || line === '') {
    process.stderr.write(`${command} failed: ${run.stderr ?? run.error}\n`);
    return { valid: 'error', ms: Number.NaN, maxRssKb: 0 };
  }
  return JSON.parse(line) as Measurement;
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
  const cases = quick ? allCases.filter((item) => item.operations <= 10_000) : allCases;
  const directory = mkdtempSync(join(tmpdir(), 'bench-checker-'));
  const harness = join(directory, 'porcupine-harness');
  const go = process.env.GO ?? '/usr/local/go/bin/go';
  console.log(
    `bench:checker seed=${seed} cases=${cases.length} timeout=${caseTimeoutSeconds}s dir=${directory}`,
  );
  execFileSync(go, ['build', '-o', harness, '.'], { cwd: resolve('bench/porcupine'), stdio: 'inherit' });
  const self = fileURLToPath(import.meta.url);
  const random = new Xoshiro128(seed);
  const header = [
    'case',
    'ours ms',
    'porcupine ms',
    'ratio',
    'ours',
    'porcupine',
    'ours RSS MiB',
    'porcupine RSS MiB',
  ];
  console.log(header.join('\t'));
  let worstRatio = 0;
  let mismatches = 0;
  let porcupineUndecided = 0;
  let maxRssKb = 0;
  for (const [i, benchCase] of cases.entries()) {
    const file = join(directory, `case-${i}.jsonl`);
    writeFileSync(file, generate(benchCase, random));
    const model = benchCase.kind === 'register' ? 'register' : 'kv';
    const ours = measure(process.execPath, [self, '--child', file, model]);
    const theirs = measure(harness, [file, String(caseTimeoutSeconds)]);
    const ratio = ours.ms / theirs.ms;
    worstRatio = Math.max(worstRatio, ratio);
    maxRssKb = Math.max(maxRssKb, ours.maxRssKb);
    // A verdict differs only when both decided; an "unknown" (timeout) is reported as such.
    if (ours.valid !== theirs.valid && typeof ours.valid === 'boolean' && typeof theirs.valid === 'boolean')
      mismatches++;
    if (theirs.valid === 'unknown' && ours.valid !== 'unknown') porcupineUndecided++;
    const name = `${benchCase.kind} c=${benchCase.clients} n=${benchCase.operations} info=${benchCase.crashPercent}% ${benchCase.invalid ? 'invalid' : 'valid'}`;
    console.log(
      [
        name,
        ours.ms.toFixed(1),
        theirs.ms.toFixed(1),
        ratio.toFixed(2),
        ours.valid,
        theirs.valid,
        (ours.maxRssKb / 1024).toFixed(0),
        (theirs.maxRssKb / 1024).toFixed(0),
      ].join('\t'),
    );
    rmSync(file);
  }
  rmSync(directory, { recursive: true, force: true });
  console.log(
    `summary: worst ratio ${worstRatio.toFixed(2)} (target <= 0.5), verdicts that disagree ${mismatches}, decided by us but not Porcupine ${porcupineUndecided}, our peak RSS ${(maxRssKb / 1024).toFixed(0)} MiB (limit 1024)`,
  );
}

if (process.argv[2] === '--child') child(process.argv[3]!, process.argv[4]!);
else main();
