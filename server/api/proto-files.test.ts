// Pins the loaded .proto files to etcd's wire contract: package, service and method
// names, and the field numbers clients encode. A renumbered field would decode as
// garbage in etcdctl, so every number below is etcd's (etcdserverpb, mvccpb, v3lockpb).

import protobuf from 'protobufjs';
import { describe, expect, test } from 'vitest';
import { findProtoDirectory, loadEtcdProtos, protoFileNames } from './proto-files.js';

function loadRoot(): protobuf.Root {
  const directory = findProtoDirectory();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => `${directory}/${target}`;
  return root.loadSync([...protoFileNames], { keepCase: true });
}

const root = loadRoot();

function fieldNumbers(typeName: string): Record<string, number> {
  const type = root.lookupType(typeName);
  return Object.fromEntries(Object.values(type.fields).map((field) => [field.name, field.id]));
}

describe('etcd .proto field numbers', () => {
  const expected: Record<string, Record<string, number>> = {
    'etcdserverpb.ResponseHeader': { cluster_id: 1, member_id: 2, revision: 3, raft_term: 4 },
    'mvccpb.KeyValue': { key: 1, create_revision: 2, mod_revision: 3, version: 4, value: 5, lease: 6 },
    'mvccpb.Event': { type: 1, kv: 2, prev_kv: 3 },
    'etcdserverpb.RangeRequest': {
      key: 1,
      range_end: 2,
      limit: 3,
      revision: 4,
      sort_order: 5,
      sort_target: 6,
      serializable: 7,
      keys_only: 8,
      count_only: 9,
      min_mod_revision: 10,
      max_mod_revision: 11,
      min_create_revision: 12,
      max_create_revision: 13,
    },
    'etcdserverpb.RangeResponse': { header: 1, kvs: 2, more: 3, count: 4 },
    'etcdserverpb.PutRequest': { key: 1, value: 2, lease: 3, prev_kv: 4, ignore_value: 5, ignore_lease: 6 },
    'etcdserverpb.DeleteRangeRequest': { key: 1, range_end: 2, prev_kv: 3 },
    'etcdserverpb.DeleteRangeResponse': { header: 1, deleted: 2, prev_kvs: 3 },
    'etcdserverpb.RequestOp': { request_range: 1, request_put: 2, request_delete_range: 3, request_txn: 4 },
    'etcdserverpb.Compare': {
      result: 1,
      target: 2,
      key: 3,
      version: 4,
      create_revision: 5,
      mod_revision: 6,
      value: 7,
      lease: 8,
      range_end: 64,
    },
    'etcdserverpb.TxnRequest': { compare: 1, success: 2, failure: 3 },
    'etcdserverpb.TxnResponse': { header: 1, succeeded: 2, responses: 3 },
    'etcdserverpb.CompactionRequest': { revision: 1, physical: 2 },
    'etcdserverpb.WatchRequest': { create_request: 1, cancel_request: 2, progress_request: 3 },
    'etcdserverpb.WatchCreateRequest': {
      key: 1,
      range_end: 2,
      start_revision: 3,
      progress_notify: 4,
      filters: 5,
      prev_kv: 6,
      watch_id: 7,
      fragment: 8,
    },
    'etcdserverpb.WatchResponse': {
      header: 1,
      watch_id: 2,
      created: 3,
      canceled: 4,
      compact_revision: 5,
      cancel_reason: 6,
      fragment: 7,
      events: 11,
    },
    'etcdserverpb.LeaseGrantResponse': { header: 1, ID: 2, TTL: 3, error: 4 },
    'etcdserverpb.LeaseTimeToLiveResponse': { header: 1, ID: 2, TTL: 3, grantedTTL: 4, keys: 5 },
    'etcdserverpb.Member': { ID: 1, name: 2, peerURLs: 3, clientURLs: 4, isLearner: 5 },
    'etcdserverpb.StatusResponse': {
      header: 1,
      version: 2,
      dbSize: 3,
      leader: 4,
      raftIndex: 5,
      raftTerm: 6,
      raftAppliedIndex: 7,
      errors: 8,
      dbSizeInUse: 9,
      isLearner: 10,
    },
    'etcdserverpb.HashKVResponse': { header: 1, hash: 2, compact_revision: 3 },
    'etcdserverpb.SnapshotResponse': { header: 1, remaining_bytes: 2, blob: 3 },
    'etcdserverpb.AlarmRequest': { action: 1, memberID: 2, alarm: 3 },
    'v3lockpb.LockRequest': { name: 1, lease: 2 },
    'v3lockpb.LockResponse': { header: 1, key: 2 },
  };
  for (const [typeName, numbers] of Object.entries(expected)) {
    test(`loadEtcdProtos() declares ${typeName} with etcd's field numbers`, () => {
      expect(fieldNumbers(typeName)).toEqual(numbers);
    });
  }

  test("loadEtcdProtos() declares etcd's enum values", () => {
    expect(root.lookupEnum('etcdserverpb.Compare.CompareTarget').values).toEqual({
      VERSION: 0,
      CREATE: 1,
      MOD: 2,
      VALUE: 3,
      LEASE: 4,
    });
    expect(root.lookupEnum('etcdserverpb.Compare.CompareResult').values).toEqual({
      EQUAL: 0,
      GREATER: 1,
      LESS: 2,
      NOT_EQUAL: 3,
    });
    expect(root.lookupEnum('etcdserverpb.RangeRequest.SortTarget').values).toEqual({
      KEY: 0,
      VERSION: 1,
      CREATE: 2,
      MOD: 3,
      VALUE: 4,
    });
    expect(root.lookupEnum('mvccpb.Event.EventType').values).toEqual({ PUT: 0, DELETE: 1 });
  });
});

describe('loadEtcdProtos()', () => {
  test('loadEtcdProtos() exposes every etcd service with its method paths', () => {
    const definitions = loadEtcdProtos();
    const paths = (service: string) =>
      Object.values(definitions[service] as Record<string, { path: string }>).map((method) => method.path);
    expect(paths('etcdserverpb.KV')).toEqual([
      '/etcdserverpb.KV/Range',
      '/etcdserverpb.KV/Put',
      '/etcdserverpb.KV/DeleteRange',
      '/etcdserverpb.KV/Txn',
      '/etcdserverpb.KV/Compact',
    ]);
    expect(paths('etcdserverpb.Watch')).toEqual(['/etcdserverpb.Watch/Watch']);
    expect(paths('etcdserverpb.Lease')).toContain('/etcdserverpb.Lease/LeaseKeepAlive');
    expect(paths('etcdserverpb.Cluster')).toContain('/etcdserverpb.Cluster/MemberPromote');
    expect(paths('etcdserverpb.Maintenance')).toContain('/etcdserverpb.Maintenance/HashKV');
    expect(paths('etcdserverpb.Auth')).toContain('/etcdserverpb.Auth/Authenticate');
    expect(paths('v3lockpb.Lock')).toEqual(['/v3lockpb.Lock/Lock', '/v3lockpb.Lock/Unlock']);
  });
});
