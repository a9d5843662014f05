// The fault-control endpoint over real HTTP on loopback: clock bumps move the member's
// ProcessClock, a strobe ends where it started, disk faults reach the FaultDisk (a failed
// fsync throws EIO, a cleared fault syncs again), and bad requests get a 400 naming the field.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DiskError } from './ports/disk.js';
import { FaultDisk } from './ports/fault-disk.js';
import { ProcessClock } from './ports/process-clock.js';
import { Xoshiro128 } from './ports/random.js';
import { RealDisk } from './ports/real-disk.js';
import { type FaultControlServer, startFaultControl } from './serve-fault-control.js';

let dir = '';
let server: FaultControlServer | undefined;
let clock: ProcessClock;
let disk: FaultDisk;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-chaos-fault-control-'));
  clock = new ProcessClock();
  disk = new FaultDisk(new RealDisk(), new Xoshiro128(7));
  server = await startFaultControl({ host: '127.0.0.1', port: 0, clock, disk, log: () => undefined });
});
afterEach(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function post(
  route: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${server!.port}${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** A clock no fault moves, for the test's own waiting and timing. */
const wall = new ProcessClock();

/** The member clock's skew once it is back to 0, or after 5 s (a strobe runs on its timers). */
async function skewSettled(): Promise<number> {
  const deadlineMs = wall.nowMs() + 5_000;
  while (wall.nowMs() < deadlineMs && clock.skewMs() !== 0) {
    await new Promise<void>((done) => wall.setTimer(10, done));
  }
  return clock.skewMs();
}

describe('startFaultControl()', () => {
  test('startFaultControl() bumps and resets the clock the member reads', async () => {
    const before = clock.nowMs();
    const bumped = await post('/clock', { bumpMs: 60_000 });
    expect(bumped.status).toBe(200);
    expect(bumped.json.clockSkewMs).toBe(60_000);
    expect(clock.nowMs() - before).toBeGreaterThanOrEqual(60_000);
    expect((await post('/clock', { reset: true })).json.clockSkewMs).toBe(0);
  });

  test('startFaultControl() strobes the clock and leaves it where it started', async () => {
    const strobed = await post('/clock', { strobe: { deltaMs: 500, periodMs: 20, durationMs: 100 } });
    // The first flip happens before the answer; the rest run on the clock's timers.
    expect(strobed.json.clockSkewMs).toBe(500);
    expect(await skewSettled()).toBe(0);
  });

  test("startFaultControl() undoes a running strobe's jump when a new strobe supersedes it", async () => {
    // A long period: the first strobe is surely still at +700 when the second begins.
    await post('/clock', { strobe: { deltaMs: 700, periodMs: 10_000, durationMs: 40_000 } });
    const second = await post('/clock', { strobe: { deltaMs: 300, periodMs: 20, durationMs: 100 } });
    expect(second.json.clockSkewMs).toBe(300);
    expect(await skewSettled()).toBe(0);
  });

  test('startFaultControl() sets and clears disk faults on the FaultDisk', async () => {
    const file = disk.openAppend(path.join(dir, 'wal'), { create: true });
    file.append(new Uint8Array([1, 2, 3]));
    expect((await post('/disk', { fault: { type: 'fail-fsync' } })).json.disk).toEqual({
      type: 'fail-fsync',
    });
    expect(() => file.sync()).toThrow(DiskError);
    expect((await post('/disk', { fault: null })).json.disk).toBeNull();
    file.sync();
    await post('/disk', { fault: { type: 'slow-fsync', latencyMs: 30 } });
    const startMs = wall.nowMs();
    file.sync();
    expect(wall.nowMs() - startMs).toBeGreaterThanOrEqual(25);
    file.close();
  });

  test.each([
    ['/clock', { bumpMs: 'soon' }, "'bumpMs'"],
    ['/disk', { fault: { type: 'melt' } }, 'fault type'],
    ['/disk', { fault: { type: 'slow-fsync', latencyMs: -1 } }, "'latencyMs'"],
  ])('startFaultControl() answers %s %j with 400 naming the field', async (route, body, message) => {
    const answer = await post(route, body);
    expect(answer.status).toBe(400);
    expect(String(answer.json.error)).toContain(message);
  });
});
