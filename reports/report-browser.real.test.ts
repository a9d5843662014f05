// The report pages in a real browser (Debian's chromium driven by playwright-core):
// a valid and an invalid run and the store index, opened from file://. Checks what a
// unit test of the HTML string cannot: the script runs without errors, the page asks
// for nothing over the network, and verdict, violation explorer, zoom, hover and the
// index filter work. Screenshots are kept next to each run for people to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderStore } from './store.js';
import { writeInvalidRun, writeValidRun } from './test-runs.js';

const chromiumPath = '/usr/bin/chromium';
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Bound on every wait for the page (load, a selector, a condition). */
const waitMs = 15_000;

// The store is kept after the run (store/ is git-ignored) so the screenshots can be looked at.
const store = process.env.REPORT_BROWSER_STORE ?? join(process.cwd(), 'store', 'browser-tests');
const validRun = join('register', '20261124T100000');
const invalidRun = join('register', '20261124T110000');
const userDataDir = mkdtempSync(join(tmpdir(), 'etcd-chaos-chromium-'));
let context: BrowserContext;

interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions, as text. */
  errors: string[];
  /** Every URL the page requested that was not a file:// URL (aborted). */
  outsideRequests: string[];
}

async function open(path: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const outsideRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) outsideRequests.push(request.url());
  });
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) await route.continue();
    else {
      outsideRequests.push(url);
      await route.abort();
    }
  });
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: waitMs });
  return { page, errors, outsideRequests };
}

async function expectClean(opened: OpenedPage): Promise<void> {
  expect(opened.errors).toEqual([]);
  expect(opened.outsideRequests).toEqual([]);
  await opened.page.close();
}

async function screenshot(page: Page, path: string): Promise<void> {
  await page.screenshot({ path, fullPage: true, timeout: waitMs });
  console.log(`screenshot: ${path}`);
}

/** The subset of the page's #timeline-data the tests use to find an operation on the canvas. */
interface TimelineData {
  processes: unknown[];
  functions: string[];
  fn: number[];
  row: number[];
  start: number[];
  end: number[];
  spanEnd: number;
}

async function timelineData(page: Page): Promise<TimelineData> {
  return JSON.parse((await page.locator('#timeline-data').textContent()) ?? '{}') as TimelineData;
}

/** Data URL of the timeline canvas's pixels, to see whether a control redrew it. */
async function canvasPixels(page: Page): Promise<string> {
  return page
    .locator('#timeline')
    .evaluate((element) => (element as unknown as { toDataURL(): string }).toDataURL());
}

/** Viewport coordinates of the middle of timeline operation `operation`, at the initial (whole-run) view. */
async function operationPoint(page: Page, operation: number): Promise<{ x: number; y: number }> {
  const canvas = page.locator('#timeline');
  await canvas.scrollIntoViewIfNeeded({ timeout: waitMs });
  const data = await timelineData(page);
  const box = await canvas.boundingBox({ timeout: waitMs });
  const clientWidth = await canvas.evaluate(
    (element) => (element as unknown as { clientWidth: number }).clientWidth,
  );
  if (box === null) throw new Error('the timeline canvas is not visible');
  // The page script's geometry: 70 px of row labels, 8 px right margin, a 14 px band label strip.
  const labelWidth = 70;
  const bandLabelHeight = 14;
  const rows = Math.max(1, data.processes.length);
  const rowHeight = Math.max(2, Math.min(18, Math.floor(480 / rows)));
  const end = data.end[operation]! < 0 ? data.spanEnd : data.end[operation]!;
  const middle = (data.start[operation]! + end) / 2;
  return {
    x: box.x + labelWidth + (middle / data.spanEnd) * (clientWidth - labelWidth - 8),
    y: box.y + bandLabelHeight + data.row[operation]! * rowHeight + rowHeight / 2,
  };
}

beforeAll(async () => {
  rmSync(store, { recursive: true, force: true });
  mkdirSync(store, { recursive: true });
  writeValidRun(join(store, validRun));
  writeInvalidRun(join(store, invalidRun));
  renderStore(store);
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 1200, height: 900 },
    timeout: waitMs,
  });
});

afterAll(async () => {
  await context?.close();
  rmSync(userDataDir, { recursive: true, force: true });
});

describe('report pages in chromium', () => {
  test('renderRunReport() page of a valid run shows the verdict, zooms and shows a tooltip on hover', async () => {
    const opened = await open(join(store, validRun, 'report.html'));
    const { page } = opened;
    await expect(page.locator('#verdict').textContent()).resolves.toBe('valid');
    await expect(page.locator('#script-error').isHidden()).resolves.toBe(true);
    await expect(page.locator('#problems').count()).resolves.toBe(0);
    await expect(page.locator('#violation-next').count()).resolves.toBe(0);

    const before = await canvasPixels(page);
    const levelBefore = await page.locator('#zoom-level').textContent();
    await page.click('#zoom-in', { timeout: waitMs });
    const levelAfter = await page.locator('#zoom-level').textContent();
    expect(levelAfter).not.toBe(levelBefore);
    expect(await canvasPixels(page)).not.toBe(before);
    await page.click('#zoom-reset', { timeout: waitMs });
    await expect(page.locator('#zoom-level').textContent()).resolves.toBe(levelBefore);

    // Operation 0 is process 0's write of 1 to k1, which completed.
    await expect(page.locator('#tooltip').isHidden()).resolves.toBe(true);
    const point = await operationPoint(page, 0);
    await page.mouse.move(point.x, point.y);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: waitMs });
    const tooltip = await page.locator('#tooltip').textContent();
    expect(tooltip).toMatch(/process 0: write k1 → ok/);
    expect(tooltip).toMatch(/history index \d+, invoked at .*, took /);
    await page.mouse.move(1, 1);
    await page.locator('#tooltip').waitFor({ state: 'hidden', timeout: waitMs });

    await screenshot(page, join(store, validRun, 'report.png'));
    await expectClean(opened);
  });

  test('renderRunReport() page of an invalid run highlights the failing operations', async () => {
    const opened = await open(join(store, invalidRun, 'report.html'));
    const { page } = opened;
    await expect(page.locator('#verdict').textContent()).resolves.toBe('INVALID');
    await expect(page.locator('#script-error').isHidden()).resolves.toBe(true);
    await expect(page.locator('#selection').textContent()).resolves.toMatch(/nothing selected/);

    await page.click('#violation-next', { timeout: waitMs });
    const first = (await page.locator('#selection').textContent()) ?? '';
    expect(first).toMatch(/process \d+: (read|write) k1 → ok/);
    expect(first).toContain('⚠');
    await page.click('#violation-next', { timeout: waitMs });
    const second = (await page.locator('#selection').textContent()) ?? '';
    expect(second).toContain('⚠');
    expect(second).not.toBe(first);
    // The stale read (process 1 read 1 after 2 was written) is among the highlighted operations.
    expect([first, second].some((text) => /process 1: read k1 → ok/.test(text))).toBe(true);

    // Keyboard: focus the timeline and press n, as the explorer's help line says.
    await page.focus('#timeline', { timeout: waitMs });
    await page.keyboard.press('n');
    await expect(page.locator('#selection').textContent()).resolves.toBe(first);

    // Hovering the stale read shows the violation reason in the tooltip too.
    await page.click('#zoom-reset', { timeout: waitMs });
    const data = await timelineData(page);
    const staleRead = data.fn.findIndex((fn) => data.functions[fn] === 'read');
    expect(staleRead).toBeGreaterThanOrEqual(0);
    const point = await operationPoint(page, staleRead);
    await page.mouse.move(point.x, point.y);
    await page.locator('#tooltip').waitFor({ state: 'visible', timeout: waitMs });
    const tooltip = await page.locator('#tooltip').textContent();
    expect(tooltip).toMatch(/process 1: read k1 → ok/);
    expect(tooltip).toContain('⚠');
    await page.mouse.move(1, 1);

    await screenshot(page, join(store, invalidRun, 'report.png'));
    await expectClean(opened);
  });

  test('renderIndexPage() page lists both runs, filters them and links to the reports', async () => {
    const opened = await open(join(store, 'index.html'));
    const { page } = opened;
    const rows = page.locator('#runs tbody tr');
    const visibleRows = page.locator('#runs tbody tr:not([hidden])');
    await expect(rows.count()).resolves.toBe(2);
    await expect(page.locator('#totals').textContent()).resolves.toBe(
      '2 runs: 1 valid, 1 invalid, 0 unknown, 0 broken.',
    );
    await expect(page.locator('#shown').textContent()).resolves.toBe('2 of 2 runs shown');

    await page.fill('#filter', 'T110000', { timeout: waitMs });
    await expect(visibleRows.count()).resolves.toBe(1);
    await expect(visibleRows.first().textContent()).resolves.toContain('INVALID');
    await expect(page.locator('#shown').textContent()).resolves.toBe('1 of 2 runs shown');
    await page.fill('#filter', '', { timeout: waitMs });
    await page.selectOption('#verdict-filter', 'valid', { timeout: waitMs });
    await expect(visibleRows.count()).resolves.toBe(1);
    await expect(visibleRows.first().textContent()).resolves.toContain('20261124T100000');
    await page.selectOption('#verdict-filter', '', { timeout: waitMs });
    await expect(visibleRows.count()).resolves.toBe(2);

    // Sorting: seed is a text column, ok a number column; a second click reverses.
    const firstPath = async (): Promise<string | null> => rows.first().locator('a').textContent();
    await page.click('#runs th:has-text("ok")', { timeout: waitMs });
    await expect(firstPath()).resolves.toBe('register/20261124T100000');
    await page.click('#runs th:has-text("ok")', { timeout: waitMs });
    await expect(firstPath()).resolves.toBe('register/20261124T110000');

    await screenshot(page, join(store, 'index.png'));
    // The relative link opens the invalid run's report.
    await page.click(`a[href="${invalidRun}/report.html"]`, { timeout: waitMs });
    await page.waitForURL(/20261124T110000\/report\.html$/, { timeout: waitMs });
    await expect(page.locator('#verdict').textContent()).resolves.toBe('INVALID');
    await expectClean(opened);
  });

  test('open() records and aborts a request that leaves file://', async () => {
    const opened = await open(join(store, 'index.html'));
    // Loopback only, and aborted by the route before anything is sent.
    const outcome = await opened.page.evaluate(
      `fetch('http://127.0.0.1:9/probe').then(() => 'answered', () => 'failed')`,
    );
    expect(outcome).toBe('failed');
    expect(opened.outsideRequests).toContain('http://127.0.0.1:9/probe');
    await opened.page.close();
  });
});
