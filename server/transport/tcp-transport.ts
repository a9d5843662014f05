// The real Transport: Raft messages between etcd-ts nodes over plain TCP, one outbound
// connection per peer, each message a length-prefixed raftpb.Message frame. Every peer
// has its own dial address, so each directed link can be routed through its own
// Toxiproxy proxy. Delivery is best effort, as Raft assumes: a full queue or a broken
// connection drops messages (Raft retransmits), and a dead peer is redialled with
// exponential backoff. Each connection opens with a hello frame naming the cluster and
// the sender; a peer from another cluster is refused.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { ConfigError, requirePositiveInteger } from '../config-error.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Transport } from '../ports/transport.js';
import type { Message, NodeId } from '../raft/types.js';
import { encodeFrame, FrameReader } from './frame-reader.js';
import { decodeMessage, encodeMessage } from './message-codec.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface TcpTransportOptions {
  readonly selfId: NodeId;
  readonly clusterId: number;
  /** Where this node accepts peer connections. Port 0 picks a free port. */
  readonly listen: PeerAddress;
  /** Dial address of every peer (a Toxiproxy proxy in process mode). */
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  readonly clock: Clock;
  readonly log?: (line: string) => void;
  /** Called when a peer cannot be reached, so Raft can be told (reportUnreachable). */
  readonly onUnreachable?: (peer: NodeId) => void;
  /** Frames queued per peer while it is not connected; older frames are dropped. Default 1024. */
  readonly queuedFramesMax?: number;
  /** Largest frame accepted (snapshots travel in one frame). Default 512 MiB. */
  readonly frameBytesMax?: number;
  /** Unsent bytes on a socket above which new messages are dropped. Default 16 MiB. */
  readonly socketBufferedBytesMax?: number;
  /** Redial backoff bounds. Defaults 50 ms and 2000 ms. */
  readonly backoffMsMin?: number;
  readonly backoffMsMax?: number;
}

const HELLO_BYTES = 16;

export class TcpTransport implements Transport {
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly inbound = new Set<Socket>();
  private handler: (message: Message) => void = () => {};
  private closed = false;

  private constructor(
    private readonly options: Required<Omit<TcpTransportOptions, 'log' | 'onUnreachable'>> &
      Pick<TcpTransportOptions, 'log' | 'onUnreachable'>,
    private readonly server: Server,
  ) {
    for (const [id, address] of options.peers) this.setPeerAddress(id, address);
  }

  /** Validates the options and starts listening. */
  static async listen(options: TcpTransportOptions): Promise<TcpTransport> {
    const resolved = {
      queuedFramesMax: 1024,
      frameBytesMax: 512 * 1024 * 1024,
      socketBufferedBytesMax: 16 * 1024 * 1024,
      backoffMsMin: 50,
      backoffMsMax: 2000,
      ...options,
    };
    requirePositiveInteger('selfId', resolved.selfId);
    requirePositiveInteger('queuedFramesMax', resolved.queuedFramesMax);
    requirePositiveInteger('frameBytesMax', resolved.frameBytesMax);
    requirePositiveInteger('backoffMsMin', resolved.backoffMsMin);
    if (resolved.backoffMsMax < resolved.backoffMsMin) {
      throw new ConfigError(
        'backoffMsMax',
        resolved.backoffMsMax,
        `it must be at least backoffMsMin (${resolved.backoffMsMin})`,
      );
    }
    const server = createServer();
    const transport = new TcpTransport(resolved, server);
    server.on('connection', (socket) => transport.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.listen.port, resolved.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return transport;
  }

  /** The address actually listened on (useful with port 0). */
  address(): PeerAddress {
    const address = this.server.address();
    if (address === null || typeof address === 'string') return this.options.listen;
    return { host: address.address, port: address.port };
  }

  /** Adds a peer or changes where it is dialled (membership changes, proxies). */
  setPeerAddress(id: NodeId, address: PeerAddress): void {
    this.links.get(id)?.close();
    this.links.set(id, new PeerLink(id, address, this.options));
  }

  removePeer(id: NodeId): void {
    this.links.get(id)?.close();
    this.links.delete(id);
  }

  send(messages: readonly Message[]): void {
    if (this.closed) return;
    // A Ready's messages to one peer leave in one write (one syscall), not one each.
    const corked: PeerLink[] = [];
    for (const message of messages) {
      const link = this.links.get(message.to);
      if (link === undefined) continue;
      if (link.cork()) corked.push(link);
      link.send(encodeFrame(encodeMessage(message)));
    }
    for (const link of corked) link.uncork();
  }

  onReceive(handler: (message: Message) => void): void {
    this.handler = handler;
  }

  isReachable(peer: NodeId): boolean {
    return !this.closed && this.links.get(peer)?.isDown() === false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) link.close();
    for (const socket of this.inbound) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.inbound.add(socket);
    socket.setNoDelay(true);
    const reader = new FrameReader(this.options.frameBytesMax);
    let peer: NodeId | undefined;
    const drop = (reason: string): void => {
      this.options.log?.(
        `peer transport: dropping inbound connection from ${peer ?? 'unknown peer'}: ${reason}`,
      );
      socket.destroy();
    };
    socket.on('data', (chunk: Buffer) => {
      const result = reader.push(chunk);
      if (result.type === 'error') return drop(result.reason);
      for (const frame of result.frames) {
        if (peer === undefined) {
          const hello = readHello(frame);
          if (hello.clusterId !== this.options.clusterId) {
            return drop(`cluster id ${hello.clusterId} is not ours (${this.options.clusterId})`);
          }
          peer = hello.from;
          continue;
        }
        let message: Message;
        try {
          message = decodeMessage(frame);
        } catch (error) {
          return drop(`undecodable message: ${(error as Error).message}`);
        }
        if (message.from !== peer || message.to !== this.options.selfId) {
          return drop(`message from ${message.from} to ${message.to} on the link from ${peer}`);
        }
        this.handler(message);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.inbound.delete(socket));
  }
}

/** One outbound connection to a peer, redialled with backoff while there is work. */
class PeerLink {
  private socket: Socket | undefined;
  private connected = false;
  /** The last connection closed (or a dial failed) and no dial has connected since. */
  private down = false;
  private queue: Uint8Array[] = [];
  private backoffMs: number;
  private retry: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly id: NodeId,
    private readonly address: PeerAddress,
    private readonly options: Required<Omit<TcpTransportOptions, 'log' | 'onUnreachable'>> &
      Pick<TcpTransportOptions, 'log' | 'onUnreachable'>,
  ) {
    this.backoffMs = options.backoffMsMin;
  }

  send(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.connected && this.socket) {
      if (this.socket.writableLength > this.options.socketBufferedBytesMax) return;
      this.socket.write(frame);
      return;
    }
    this.queue.push(frame);
    if (this.queue.length > this.options.queuedFramesMax) this.queue.shift();
    if (this.socket === undefined && this.retry === undefined) this.dial();
  }

  isDown(): boolean {
    return this.down;
  }

  /** Holds writes back until uncork(); true when this call corked a connected socket. */
  cork(): boolean {
    if (!this.connected || this.socket === undefined || this.socket.writableCorked > 0) return false;
    this.socket.cork();
    return true;
  }

  uncork(): void {
    if (this.socket !== undefined && this.socket.writableCorked > 0) this.socket.uncork();
  }

  close(): void {
    this.closed = true;
    this.retry?.cancel();
    this.socket?.destroy();
    this.queue = [];
  }

  private dial(): void {
    const socket = connect({ host: this.address.host, port: this.address.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.down = false;
      this.backoffMs = this.options.backoffMsMin;
      socket.write(encodeFrame(encodeHello(this.options.clusterId, this.options.selfId)));
      for (const frame of this.queue) socket.write(frame);
      this.queue = [];
    });
    // Peers never send anything back on this connection; reading keeps it healthy.
    socket.on('data', () => {});
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.down = true;
      this.socket = undefined;
      if (this.closed) return;
      if (!wasConnected) this.options.onUnreachable?.(this.id);
      this.scheduleRedial();
    });
  }

  private scheduleRedial(): void {
    if (this.retry !== undefined) return;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.backoffMsMax);
    this.retry = this.options.clock.setTimer(delayMs, () => {
      this.retry = undefined;
      if (!this.closed && this.socket === undefined && this.queue.length > 0) this.dial();
    });
  }
}

function encodeHello(clusterId: number, from: NodeId): Uint8Array {
  const hello = new Uint8Array(HELLO_BYTES);
  const view = new DataView(hello.buffer);
  view.setBigUint64(0, BigInt(clusterId));
  view.setBigUint64(8, BigInt(from));
  return hello;
}

function readHello(frame: Uint8Array): { clusterId: number; from: NodeId } {
  if (frame.length !== HELLO_BYTES) return { clusterId: -1, from: 0 };
  const view = new DataView(frame.buffer, frame.byteOffset, frame.length);
  return { clusterId: Number(view.getBigUint64(0)), from: Number(view.getBigUint64(8)) };
}
