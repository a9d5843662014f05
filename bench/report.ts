// `npm run bench:report`: generates a 100,000-operation run (register workload on 32
// processes, with partitions every few seconds and an invalid linearizability result),
// renders its report.html and prints the file size and the time to read and render it.
// Targets (issue 8): under 10 MB, and open in a browser in under 2 s. When Debian's
// chromium is at /usr/bin/chromium the report is opened in it (playwright-core) and the
// in-page times to the load event and to the timeline's first draw are printed.
// BENCH_REPORT_OPERATIONS sets the size; BENCH_REPORT_KEEP=1 keeps the run directory to open
// (with a screenshot, report.png, when chromium is there).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
const chromiumPath = '/usr/bin/chromium';
const openMsMax = 2_000;
/** Bound on the browser's launch and on the page load. */
const browserWaitMs = 60_000;

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

interface BrowserTimes {
  loadMs: number;
  firstDrawMs: number | undefined;
  firstContentfulPaintMs: number | undefined;
}

/** Opens the report in chromium and reads the page's own timings (ms since navigation start). */
async function openInBrowser(reportPath: string, screenshotPath: string | undefined): Promise<BrowserTimes> {
  const { chromium } = await import('playwright-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'bench-report-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    headless: true,
    viewport: { width: 1400, height: 900 },
    timeout: browserWaitMs,
  });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(reportPath).href, { waitUntil: 'load', timeout: browserWaitMs });
    if (errors.length > 0) console.log(`page errors: ${errors.join('; ')}`);
    if (screenshotPath !== undefined) {
      await page.screenshot({ path: screenshotPath, fullPage: true, timeout: browserWaitMs });
      console.log(`screenshot: ${screenshotPath}`);
    }
    // A string, not a function: this project compiles without the DOM typings.
    return (await page.evaluate(`(() => {
      const navigation = performance.getEntriesByType('navigation')[0];
      const firstDraw = performance.getEntriesByName('timeline-first-draw')[0];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return {
        loadMs: navigation.loadEventStart,
        firstDrawMs: firstDraw === undefined ? undefined : firstDraw.startTime,
        firstContentfulPaintMs: paint === undefined ? undefined : paint.startTime,
      };
    })()`)) as BrowserTimes;
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
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
  let slow = false;
  if (existsSync(chromiumPath)) {
    const keep = process.env.BENCH_REPORT_KEEP === '1';
    const times = await openInBrowser(
      join(directory, 'report.html'),
      keep ? join(directory, 'report.png') : undefined,
    );
    const format = (value: number | undefined): string =>
      value === undefined ? 'not recorded' : `${value.toFixed(0)} ms`;
    slow = times.loadMs >= openMsMax || (times.firstDrawMs ?? 0) >= openMsMax;
    console.log(
      `chromium: load event ${format(times.loadMs)}, timeline first draw ${format(times.firstDrawMs)}, first contentful paint ${format(times.firstContentfulPaintMs)} (target < ${openMsMax} ms) ${slow ? 'SLOW' : 'OK'}`,
    );
  } else console.log(`chromium: ${chromiumPath} not found, browser timing skipped`);
  if (process.env.BENCH_REPORT_KEEP === '1') console.log(`kept: ${join(directory, 'report.html')}`);
  else rmSync(join(directory, '..', '..'), { recursive: true, force: true });
  if (bytes >= fileBytesMax || slow) process.exitCode = 1;
}

await main();
