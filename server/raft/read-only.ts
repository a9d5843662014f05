// The leader's queue of ReadIndex requests waiting for a heartbeat round to confirm it
// is still the leader (Raft thesis §6.4). Each request records the commit index at
// arrival; once a quorum acknowledged a heartbeat carrying its context, it and every
// request queued before it are answered.

import type { Message, NodeId } from './types.js';

/** Bound on queued ReadIndex requests; more are dropped and their callers time out. */
export const pendingReadIndexMax = 4096;

interface ReadIndexStatus {
  readonly request: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

export function contextKey(context: Uint8Array | undefined): string {
  if (context === undefined) return '';
  let key = '';
  for (const byte of context) key += byte.toString(16).padStart(2, '0');
  return key;
}

export class ReadOnlyQueue {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  size(): number {
    return this.queue.length;
  }

  /** Queues a request; returns false if it is a duplicate context or the queue is full. */
  add(index: number, request: Message): boolean {
    const key = contextKey(request.context);
    if (this.pending.has(key) || this.queue.length >= pendingReadIndexMax) return false;
    this.pending.set(key, { request, index, acks: new Set() });
    this.queue.push(key);
    return true;
  }

  /** Records an acknowledgment; returns the acknowledgers so far, or undefined if unknown. */
  recordAck(id: NodeId, context: Uint8Array | undefined): ReadonlySet<NodeId> | undefined {
    const status = this.pending.get(contextKey(context));
    if (status === undefined) return undefined;
    status.acks.add(id);
    return status.acks;
  }

  /** Removes and returns the request with this context and all queued before it. */
  advance(context: Uint8Array | undefined): { request: Message; index: number }[] {
    const key = contextKey(context);
    const position = this.queue.indexOf(key);
    if (position < 0) return [];
    const done = this.queue.slice(0, position + 1);
    this.queue = this.queue.slice(position + 1);
    return done.map((doneKey) => {
      const status = this.pending.get(doneKey) as ReadIndexStatus;
      this.pending.delete(doneKey);
      return { request: status.request, index: status.index };
    });
  }

  lastPendingContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.request.context;
  }
}
