// The enum lists must number their values exactly as etcd's rpc.proto does, since the
// Raft request codec writes the index as the enum number: checked against the .proto
// files the gRPC server itself loads.

import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, test } from 'vitest';
import { findProtoDirectory } from '../api/proto-files.js';
import * as enums from './etcd-enums.js';

const root = protobuf.loadSync(join(findProtoDirectory(), 'rpc.proto'));

/** The value names of a .proto enum, in the order of their numbers. */
function namesByNumber(enumName: string): string[] {
  const values = root.lookupEnum(enumName).values;
  const names = Object.keys(values).sort((left, right) => (values[left] ?? 0) - (values[right] ?? 0));
  names.forEach((name, index) => {
    expect(values[name], `${enumName}.${name}`).toBe(index);
  });
  return names;
}

describe('etcd-enums', () => {
  const cases: [string, string, readonly string[]][] = [
    ['sortOrders', 'etcdserverpb.RangeRequest.SortOrder', enums.sortOrders],
    ['sortTargets', 'etcdserverpb.RangeRequest.SortTarget', enums.sortTargets],
    ['compareResults', 'etcdserverpb.Compare.CompareResult', enums.compareResults],
    ['compareTargets', 'etcdserverpb.Compare.CompareTarget', enums.compareTargets],
    ['watchFilters', 'etcdserverpb.WatchCreateRequest.FilterType', enums.watchFilters],
    ['alarmActions', 'etcdserverpb.AlarmRequest.AlarmAction', enums.alarmActions],
    ['alarmTypes', 'etcdserverpb.AlarmType', enums.alarmTypes],
  ];
  for (const [listName, enumName, list] of cases) {
    test(`${listName} lists ${enumName} in rpc.proto's number order`, () => {
      expect([...list]).toEqual(namesByNumber(enumName));
    });
  }
});
