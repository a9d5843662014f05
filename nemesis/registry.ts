// The nemesis registry: adding a fault is one file and one line here.

import { clockNemesis } from './clock.js';
import { diskNemesis } from './disk.js';
import { killNemesis } from './kill.js';
import { membershipNemesis } from './membership.js';
import type { NemesisSpec } from './nemesis.js';
import { oneWayPartitionNemesis } from './one-way-partition.js';
import { partitionNemesis } from './partition.js';
import { pauseNemesis } from './pause.js';

export const nemeses: ReadonlyMap<string, NemesisSpec> = new Map<string, NemesisSpec>([
  ['partition', { nodesMin: 3, create: partitionNemesis }],
  ['partition-one-way', { nodesMin: 3, create: oneWayPartitionNemesis }],
  ['kill', { nodesMin: 3, create: killNemesis }],
  ['pause', { nodesMin: 3, create: pauseNemesis }],
  ['clock', { nodesMin: 1, create: clockNemesis }],
  ['disk', { nodesMin: 3, create: diskNemesis }],
  ['membership', { nodesMin: 3, create: membershipNemesis }],
]);
