// etcd-ts's fault-control endpoint: an HTTP/JSON server that exists only when the member
// is started with `--unsafe-fault-control HOST:PORT` (loopback only), through which the
// chaos suite's process mode skews the member's clock and makes its disk misbehave.
//   GET  /        -> {"clockSkewMs": n, "disk": fault or null}
//   POST /clock   {"bumpMs": n} | {"reset": true} | {"strobe": {"deltaMs", "periodMs", "durationMs"}}
//   POST /disk    {"fault": {"type": "slow-fsync", "latencyMs"} | {"type": "fsync-spikes",
//                 "latencyMsMax", "perMille"} | {"type": "fail-fsync"} | null}
// The clock moves the member's ProcessClock (the Clock port every lease deadline and
// timer reading goes through); the disk fault is set on the FaultDisk the WAL writes to.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DiskFaultMode, FaultDisk } from './ports/fault-disk.js';
import type { ProcessClock } from './ports/process-clock.js';

/** A request body past this is refused: the endpoint takes a few numbers. */
const bodyBytesMax = 4_096;
/** Clock jumps at most this far either way, in one call or in total. */
export const skewMsMax = 3_600_000;
/** A strobe flips the clock at most this many times. */
const strobeFlipsMax = 10_000;

export interface FaultControlOptions {
  readonly host: string;
  readonly port: number;
  readonly clock: ProcessClock;
  readonly disk: FaultDisk;
  readonly log: (line: string) => void;
}

export interface FaultControlServer {
  readonly port: number;
  close(): Promise<void>;
}

class BadRequest extends Error {}

function numberField(body: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = body[field];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new BadRequest(`'${field}' must be a number in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function parseDiskFault(value: unknown): DiskFaultMode | undefined {
  if (value === null) return undefined;
  const fault = objectOf(value, 'fault');
  if (fault.type === 'slow-fsync')
    return { type: 'slow-fsync', latencyMs: numberField(fault, 'latencyMs', 0, 10_000) };
  if (fault.type === 'fsync-spikes') {
    return {
      type: 'fsync-spikes',
      latencyMsMax: numberField(fault, 'latencyMsMax', 1, 10_000),
      perMille: numberField(fault, 'perMille', 0, 1000),
    };
  }
  if (fault.type === 'fail-fsync') return { type: 'fail-fsync' };
  throw new BadRequest(
    `fault type must be slow-fsync, fsync-spikes or fail-fsync, got ${JSON.stringify(fault.type)}`,
  );
}

class FaultControl {
  private strobeGeneration = 0;
  /** The jump the running strobe has applied and not yet undone (0 between its pairs). */
  private strobeOffsetMs = 0;

  constructor(private readonly options: FaultControlOptions) {}

  state(): unknown {
    return { clockSkewMs: this.options.clock.skewMs(), disk: this.options.disk.fault() ?? null };
  }

  clock(body: Record<string, unknown>): void {
    const { clock, log } = this.options;
    if (body.reset === true) {
      this.strobeGeneration++;
      this.strobeOffsetMs = 0;
      clock.reset();
      log('fault control: clock skew reset');
      return;
    }
    if (body.strobe !== undefined) {
      this.strobe(objectOf(body.strobe, 'strobe'));
      return;
    }
    const bumpMs = numberField(body, 'bumpMs', -skewMsMax, skewMsMax);
    if (Math.abs(clock.skewMs() + bumpMs) > skewMsMax)
      throw new BadRequest(`total skew would pass ${skewMsMax} ms`);
    clock.bump(bumpMs);
    log(`fault control: clock bumped ${bumpMs} ms (skew now ${clock.skewMs()} ms)`);
  }

  /** Jumps the clock by +deltaMs and back every periodMs, for durationMs, through the Clock port's timers. */
  private strobe(strobe: Record<string, unknown>): void {
    const { clock, log } = this.options;
    const deltaMs = numberField(strobe, 'deltaMs', -skewMsMax, skewMsMax);
    const periodMs = numberField(strobe, 'periodMs', 1, 60_000);
    const durationMs = numberField(strobe, 'durationMs', 1, skewMsMax);
    const flips = Math.min(strobeFlipsMax, Math.floor(durationMs / periodMs));
    const generation = ++this.strobeGeneration;
    // A strobe still running is superseded: undo its outstanding jump, or it would stay.
    if (this.strobeOffsetMs !== 0) clock.bump(-this.strobeOffsetMs);
    this.strobeOffsetMs = 0;
    let flipped = 0;
    const flip = (): void => {
      if (generation !== this.strobeGeneration) return;
      const jumpMs = flipped % 2 === 0 ? deltaMs : -deltaMs;
      clock.bump(jumpMs);
      this.strobeOffsetMs += jumpMs;
      flipped++;
      // An even number of flips leaves the clock where it started.
      if (flipped < flips + (flips % 2)) clock.setTimer(periodMs, flip);
    };
    log(`fault control: clock strobe ${deltaMs} ms every ${periodMs} ms for ${durationMs} ms`);
    flip();
  }

  disk(body: Record<string, unknown>): void {
    const fault = parseDiskFault(body.fault ?? null);
    this.options.disk.setFault(fault);
    this.options.log(`fault control: disk fault ${fault === undefined ? 'cleared' : JSON.stringify(fault)}`);
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > bodyBytesMax) throw new BadRequest(`body over ${bodyBytesMax} bytes`);
  }
  try {
    return objectOf(JSON.parse(text || '{}'), 'the body');
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest(`the body is not JSON: ${(error as Error).message}`);
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}

/** True for 127.0.0.0/8, ::1 and localhost: the endpoint never listens beyond this host. */
export function isLoopbackHost(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost';
}

export async function startFaultControl(options: FaultControlOptions): Promise<FaultControlServer> {
  const control = new FaultControl(options);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    try {
      if (request.method === 'GET' && request.url === '/') return reply(response, 200, control.state());
      if (request.method === 'POST' && request.url === '/clock') {
        control.clock(await readBody(request));
        return reply(response, 200, control.state());
      }
      if (request.method === 'POST' && request.url === '/disk') {
        control.disk(await readBody(request));
        return reply(response, 200, control.state());
      }
      reply(response, 404, { error: `no route ${request.method} ${request.url}` });
    } catch (error) {
      if (error instanceof BadRequest) return reply(response, 400, { error: error.message });
      reply(response, 500, { error: (error as Error).message });
    }
  };
  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  options.log(
    `WARNING: --unsafe-fault-control: clock and disk faults can be injected on http://${options.host}:${port}`,
  );
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
