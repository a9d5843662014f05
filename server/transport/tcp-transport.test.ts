import { connect } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { ProcessClock } from '../ports/process-clock.js';
import { type Message, message } from '../raft/types.js';
import { encodeFrame } from './frame-reader.js';
import { type PeerAddress, TcpTransport } from './tcp-transport.js';

const open: TcpTransport[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((transport) => transport.close()));
});

async function start(
  selfId: number,
  peers: Map<number, PeerAddress>,
  clusterId = 7,
  log?: (line: string) => void,
): Promise<TcpTransport> {
  const transport = await TcpTransport.listen({
    ...(log ? { log } : {}),
    selfId,
    clusterId,
    listen: { host: '127.0.0.1', port: 0 },
    peers,
    clock: new ProcessClock(),
    backoffMsMin: 10,
    backoffMsMax: 50,
  });
  open.push(transport);
  return transport;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const clock = new ProcessClock();
  const deadline = clock.nowMs() + timeoutMs;
  while (!condition()) {
    if (clock.nowMs() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => clock.setTimer(5, resolve));
  }
}

function heartbeat(from: number, to: number, term: number): Message {
  return message({ type: 'heartbeat', from, to, term, commit: term });
}

describe('TcpTransport', () => {
  test('send() delivers messages to the peer in order', async () => {
    const b = await start(2, new Map());
    const a = await start(1, new Map([[2, b.address()]]));
    const received: Message[] = [];
    b.onReceive((m) => received.push(m));
    a.send(Array.from({ length: 100 }, (_, i) => heartbeat(1, 2, i + 1)));
    await waitFor(() => received.length === 100, '100 messages');
    expect(received.map((m) => m.term)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  test("send() on connected links delivers one call's interleaved messages to each peer in order", async () => {
    const b = await start(2, new Map());
    const c = await start(3, new Map());
    const a = await start(
      1,
      new Map([
        [2, b.address()],
        [3, c.address()],
      ]),
    );
    const receivedByB: Message[] = [];
    const receivedByC: Message[] = [];
    b.onReceive((m) => receivedByB.push(m));
    c.onReceive((m) => receivedByC.push(m));
    a.send([heartbeat(1, 2, 1), heartbeat(1, 3, 1)]);
    await waitFor(() => receivedByB.length === 1 && receivedByC.length === 1, 'both links up');
    // Now both links are connected: this call's frames go out corked, one write per peer.
    a.send(Array.from({ length: 50 }, (_, i) => heartbeat(1, 2 + (i % 2), i + 2)));
    await waitFor(() => receivedByB.length === 26 && receivedByC.length === 26, '25 more messages each');
    expect(receivedByB.map((m) => m.term)).toEqual([1, ...Array.from({ length: 25 }, (_, i) => 2 * i + 2)]);
    expect(receivedByC.map((m) => m.term)).toEqual([1, ...Array.from({ length: 25 }, (_, i) => 2 * i + 3)]);
    a.send([heartbeat(1, 2, 99)]);
    await waitFor(() => receivedByB.length === 27, 'a message after the corked call');
  });

  test('send() reaches a peer again after it restarts on the same port', async () => {
    const first = await start(2, new Map());
    const address = first.address();
    const a = await start(1, new Map([[2, address]]));
    let got = 0;
    first.onReceive(() => got++);
    a.send([heartbeat(1, 2, 1)]);
    await waitFor(() => got === 1, 'first delivery');
    await first.close();

    const second = await TcpTransport.listen({
      selfId: 2,
      clusterId: 7,
      listen: address,
      peers: new Map(),
      clock: new ProcessClock(),
    });
    open.push(second);
    let later = 0;
    second.onReceive(() => later++);
    // Messages sent while the link is broken may be lost (Raft retransmits): keep sending.
    await waitFor(() => {
      a.send([heartbeat(1, 2, 2)]);
      return later > 0;
    }, 'delivery after restart');
    expect(later).toBeGreaterThan(0);
  });

  test('a peer from another cluster is refused', async () => {
    const logs: string[] = [];
    const b = await start(2, new Map(), 7, (line) => logs.push(line));
    const received: Message[] = [];
    b.onReceive((m) => received.push(m));
    const a = await start(1, new Map([[2, b.address()]]), 8);
    a.send([heartbeat(1, 2, 1)]);
    await waitFor(() => logs.length > 0, 'the foreign connection to be refused');
    expect(logs[0]).toContain('cluster id 8 is not ours (7)');
    const c = await start(3, new Map([[2, b.address()]]), 7);
    c.send([heartbeat(3, 2, 1)]);
    await waitFor(() => received.length === 1, 'delivery from the same cluster');
    expect(received.map((m) => m.from)).toEqual([3]);
  });

  test('garbage on a peer connection drops that connection and nothing else', async () => {
    const b = await start(2, new Map());
    let got = 0;
    b.onReceive(() => got++);
    const { host, port } = b.address();
    const junk = connect({ host, port });
    let junkClosed = false;
    junk.on('close', () => (junkClosed = true));
    junk.on('error', () => {});
    junk.write(encodeFrame(new Uint8Array(16)));
    junk.write(encodeFrame(new Uint8Array([0xff, 0xff, 0xff])));
    await waitFor(() => junkClosed, 'the junk connection to be dropped');
    const a = await start(1, new Map([[2, b.address()]]));
    a.send([heartbeat(1, 2, 1)]);
    await waitFor(() => got === 1, 'a good message after the junk');
  });
});
