// etcd's etcdserverpb enums as lists in enum-number order: the value at index n is the
// one etcd numbers n. The gRPC decoder (server/api) and the Raft request codec
// (server/apply) both translate numbers through these, so the two cannot disagree.

import type {
  AlarmAction,
  AlarmType,
  CompareResult,
  CompareTarget,
  SortOrder,
  SortTarget,
  WatchFilter,
} from '../api/types.js';

export const sortOrders: readonly SortOrder[] = ['NONE', 'ASCEND', 'DESCEND'];
export const sortTargets: readonly SortTarget[] = ['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE'];
export const compareResults: readonly CompareResult[] = ['EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'];
export const compareTargets: readonly CompareTarget[] = ['VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'];
export const watchFilters: readonly WatchFilter[] = ['NOPUT', 'NODELETE'];
export const alarmActions: readonly AlarmAction[] = ['GET', 'ACTIVATE', 'DEACTIVATE'];
export const alarmTypes: readonly AlarmType[] = ['NONE', 'NOSPACE', 'CORRUPT'];
