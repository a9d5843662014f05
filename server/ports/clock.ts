// The Clock port: the only source of time for a node. Real mode reads the monotonic
// process clock plus an offset (the clock-skew fault); sim mode reads virtual time.
// Timers fire through the same port so a simulated node never touches setTimeout.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on this node's clock (monotonic in real mode unless skewed by a fault). */
  nowMs(): number;
  /** Calls `callback` once after `delayMs` of this clock's time. */
  setTimer(delayMs: number, callback: () => void): TimerHandle;
}
