// The seams between a node and its world (DESIGN.md "Seams"): each has a real and a
// simulated implementation, and server/ code reaches the world only through them.
export type { Clock, TimerHandle } from './clock.js';
export type { Disk, FileHandle } from './disk.js';
export { DiskError } from './disk.js';
export { ProcessClock } from './process-clock.js';
export type { Random } from './random.js';
export { Xoshiro128 } from './random.js';
export { RealDisk } from './real-disk.js';
export type { Transport } from './transport.js';
