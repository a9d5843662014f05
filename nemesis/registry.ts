// The nemesis registry: adding a fault is one file and one line here.

import { clockNemesis } from './clock.js';
import { killNemesis } from './kill.js';
import type { NemesisSpec } from './nemesis.js';
import { partitionNemesis } from './partition.js';
import { pauseNemesis } from './pause.js';

export const nemeses: ReadonlyMap<string, NemesisSpec> = new Map<string, NemesisSpec>([
  ['partition', { nodesMin: 3, create: partitionNemesis }],
  ['kill', { nodesMin: 3, create: killNemesis }],
  ['pause', { nodesMin: 3, create: pauseNemesis }],
  ['clock', { nodesMin: 1, create: clockNemesis }],
]);
