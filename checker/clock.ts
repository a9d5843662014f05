// The checker's only view of time: an injected clock, so the search stays deterministic
// (tests drive a fake clock; the CLI passes the real one).
export interface CheckerClock {
  nowMs(): number;
}
