// The simulator's one event queue: every timer, message delivery and fault is an event
// ordered by (virtual time, sequence number). The sequence number breaks ties in the
// order events were scheduled, which is what makes a run bit-identical for one seed.
// A binary heap keeps schedule and pop at O(log n); the queue is bounded by `eventsMax`.

import { assert } from '../server/assert.js';
import { requirePositiveInteger } from '../server/config-error.js';

export interface ScheduledEvent {
  readonly timeMs: number;
  readonly sequence: number;
  /** Cleared by cancel(): a cancelled event stays in the heap and is skipped when popped. */
  action: (() => void) | undefined;
}

export interface EventQueueOptions {
  /** How many events may wait at once; more is a runaway simulation. Default 1,000,000. */
  eventsMax?: number;
}

export class EventQueue {
  readonly eventsMax: number;
  private readonly heap: ScheduledEvent[] = [];
  private nextSequence = 0;
  private currentTimeMs = 0;

  constructor(options: EventQueueOptions = {}) {
    this.eventsMax = options.eventsMax ?? 1_000_000;
    requirePositiveInteger('eventsMax', this.eventsMax);
  }

  /** Virtual time of the event being run (or last run). */
  nowMs(): number {
    return this.currentTimeMs;
  }

  size(): number {
    return this.heap.length;
  }

  /** Schedules `action` at virtual time `timeMs`, which may not lie in the past. */
  schedule(timeMs: number, action: () => void): ScheduledEvent {
    assert(
      timeMs >= this.currentTimeMs,
      () => `event at ${timeMs} ms scheduled in the past (${this.currentTimeMs} ms)`,
    );
    assert(this.heap.length < this.eventsMax, () => `event queue full: eventsMax = ${this.eventsMax}`);
    const event: ScheduledEvent = { timeMs, sequence: this.nextSequence++, action };
    this.heap.push(event);
    this.siftUp(this.heap.length - 1);
    return event;
  }

  cancel(event: ScheduledEvent): void {
    event.action = undefined;
  }

  /** Time of the earliest waiting event, or undefined when the queue is empty. */
  peekTimeMs(): number | undefined {
    return this.heap[0]?.timeMs;
  }

  /** Pops the earliest event, advances time to it and runs it. False when empty. */
  runNext(): boolean {
    const event = this.pop();
    if (event === undefined) return false;
    this.currentTimeMs = event.timeMs;
    const action = event.action;
    event.action = undefined;
    action?.();
    return true;
  }

  /** Moves time forward without an event (to the end of a run window). */
  advanceTo(timeMs: number): void {
    assert(timeMs >= this.currentTimeMs, () => `time cannot go back from ${this.currentTimeMs} to ${timeMs}`);
    const next = this.peekTimeMs();
    assert(next === undefined || next >= timeMs, () => `advanceTo(${timeMs}) would skip an event at ${next}`);
    this.currentTimeMs = timeMs;
  }

  private pop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    const event = heap[start]!;
    let index = start;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (!before(event, parent)) break;
      heap[index] = parent;
      index = parentIndex;
    }
    heap[index] = event;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const length = heap.length;
    const event = heap[start]!;
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && before(heap[right]!, heap[left]!)) child = right;
      if (!before(heap[child]!, event)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = event;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.sequence < b.sequence);
}
