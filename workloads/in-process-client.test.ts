import { describe, expect, test } from 'vitest';
import { ConfigError } from '../server/config-error.js';
import { ManualClock } from '../server/ports/testing/manual-clock.js';
import { ClientError } from './client.js';
import { InProcessClient } from './in-process-client.js';
import { MemoryEtcd } from './testing/memory-etcd.js';
import { bytes } from './workload.js';

describe('InProcessClient', () => {
  test('InProcessClient times out on the injected clock and aborts the node-side lock wait', async () => {
    const clock = new ManualClock();
    const service = new MemoryEtcd({ clock });
    const client = new InProcessClient(service, { clock, timeoutMsDefault: 1000 });
    const first = await client.leaseGrant({ ttlSeconds: 60 });
    const second = await client.leaseGrant({ ttlSeconds: 60 });
    await client.lock({ name: bytes('L'), lease: first.id });
    const blocked = client
      .lock({ name: bytes('L'), lease: second.id }, { timeoutMs: 250 })
      .catch((error: unknown) => error);
    const error = await clock.drive(blocked);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).reason).toBe('timeout');
    expect(clock.nowMs()).toBe(250);
  });

  test('InProcessClient answers without waiting for the clock when the node answers', async () => {
    const clock = new ManualClock();
    const client = new InProcessClient(new MemoryEtcd({ clock }), { clock });
    await client.put({ key: bytes('a'), value: bytes('1') });
    expect((await client.range({ key: bytes('a') })).count).toBe(1);
    expect(clock.nowMs()).toBe(0);
  });

  test('InProcessClient refuses requests after close() as definite, never sent', async () => {
    const clock = new ManualClock();
    const client = new InProcessClient(new MemoryEtcd({ clock }), { clock });
    client.close();
    const error = await client.range({ key: bytes('a') }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ reason: 'closed', options: { sent: false } });
  });

  test('InProcessClient rejects a non-positive default timeout naming the field', () => {
    const clock = new ManualClock();
    expect(() => new InProcessClient(new MemoryEtcd({ clock }), { clock, timeoutMsDefault: 0 })).toThrow(
      ConfigError,
    );
    expect(() => new InProcessClient(new MemoryEtcd({ clock }), { clock, timeoutMsDefault: 0 })).toThrow(
      /timeoutMsDefault/,
    );
  });
});
