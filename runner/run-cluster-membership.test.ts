// Unit tests of the etcdctl JSON reading in run-cluster-membership.ts: real etcd's member
// ids are full uint64s, which must survive parsing digit for digit.

import { describe, expect, test } from 'vitest';
import { etcdctlJson } from './run-cluster-membership.js';

// Captured from `etcdctl member add x --peer-urls=http://127.0.0.1:23999 -w json` (etcd 3.4.23).
const memberAddJson =
  '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"raft_term":2},' +
  '"member":{"ID":13255249574808313179,"peerURLs":["http://127.0.0.1:23999"]},' +
  '"members":[{"ID":13255249574808313179,"peerURLs":["http://127.0.0.1:23999"]},' +
  '{"ID":13668033151171901709,"name":"default","peerURLs":["http://127.0.0.1:23801"],"clientURLs":["http://127.0.0.1:23791"]}]}';

describe('etcdctlJson', () => {
  test('`listingOf()` keeps every digit of uint64 ids, in hex', () => {
    const listing = etcdctlJson.listingOf(etcdctlJson.parseUint64Json(memberAddJson));
    expect(listing.clusterIdHex).toBe(15118495548433857066n.toString(16));
    expect(listing.members).toEqual([
      { idHex: 13255249574808313179n.toString(16), name: '', peerUrls: ['http://127.0.0.1:23999'] },
      { idHex: 13668033151171901709n.toString(16), name: 'default', peerUrls: ['http://127.0.0.1:23801'] },
    ]);
    // What plain JSON.parse would have made of the first id: a different member.
    expect(BigInt(JSON.parse(memberAddJson).members[0].ID)).not.toBe(13255249574808313179n);
  });

  test('`listingOf()` refuses an id that is not a number', () => {
    const body = etcdctlJson.parseUint64Json('{"header":{"cluster_id":1},"members":[{"ID":"x"}]}');
    expect(() => etcdctlJson.listingOf(body)).toThrow('not a number');
  });
});
