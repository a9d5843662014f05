// The normalization keeps what must match (revisions, values, errors) and replaces what
// differs by construction (ids, ports, versions, timings).

import { describe, expect, test } from 'vitest';
import { type ClusterIdentity, normalizeResult, normalizeText } from './compat-normalize.js';

const identity: ClusterIdentity = {
  memberIds: new Map([['n1', 0xbdae9bbc11dd390dn]]),
  clusterId: 15118495548433857066n,
  urls: new Map([['n1', { client: 'http://127.0.0.1:23791', peer: 'http://127.0.0.1:23801' }]]),
};

describe('normalizeText()', () => {
  test('normalizeText() replaces ids in hex and decimal but keeps revisions', () => {
    const json =
      '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":2,"raft_term":2}}';
    expect(normalizeText(json, identity, new Map())).toBe(
      '{"header":{"cluster_id":<cluster>,"member_id":<member:n1>,"revision":2,"raft_term":<n>}}',
    );
  });

  test('normalizeText() numbers lease ids by first appearance on one cluster', () => {
    const leases = new Map<bigint, number>();
    expect(normalizeText('lease 390da20e5cdee608 granted with TTL(100s)\n', identity, leases)).toBe(
      'lease <lease1> granted with TTL(100s)\n',
    );
    expect(normalizeText('lease 0000090d138fcc03 revoked\n', identity, leases)).toBe(
      'lease <lease2> revoked\n',
    );
    expect(normalizeText('found 1 leases\n390da20e5cdee608\n', identity, leases)).toBe(
      'found 1 leases\n<lease1>\n',
    );
  });

  test('normalizeText() replaces URLs, versions and timings', () => {
    const text =
      'http://127.0.0.1:23791 is healthy: successfully committed proposal: took = 1.34ms\n3.4.23\n';
    expect(normalizeText(text, identity, new Map())).toBe(
      '<n1-client-url> is healthy: successfully committed proposal: took = <time>\n<version>\n',
    );
  });
});

describe('normalizeResult()', () => {
  test('normalizeResult() drops zap log lines but keeps the exit code and Error lines', () => {
    const result = {
      exitCode: 1,
      stdout: '',
      stderr:
        '{"level":"warn","ts":"2026-11-24T16:21:40.251Z","msg":"retrying"}\nError: etcdserver: mvcc: required revision has been compacted\n',
      timedOut: false,
    };
    expect(normalizeResult(result, identity, new Map())).toBe(
      'exit=1\nstderr:\nError: etcdserver: mvcc: required revision has been compacted\n',
    );
  });
});
