// Log compaction and InstallSnapshot (Raft paper §7): a follower whose next entries
// the leader has compacted away receives the leader's snapshot instead.

import { describe, expect, test } from 'vitest';
import { bytes, TestNetwork, text } from './testing/network.js';

function compactLeader(net: TestNetwork, id: number): number {
  const node = net.node(id);
  const applied = net.raw(id).status().applied;
  node.storage.createSnapshot(applied, net.raw(id).status().confState, bytes(`state@${applied}`));
  node.storage.compact(applied);
  return applied;
}

describe('InstallSnapshot (§7)', () => {
  test('step() sends a snapshot to a follower behind the compacted log, which restores it', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let n = 0; n < 20; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    const snapshotIndex = compactLeader(net, 1);
    net.heal();
    const before = net.sent.length;
    net.tickAll(3);
    const snaps = net.sent.slice(before).filter((m) => m.type === 'snap' && m.to === 3);
    expect(snaps).toHaveLength(1);
    expect(net.node(3).storage.snapshot().metadata.index).toBe(snapshotIndex);
    expect(text(net.node(3).storage.snapshot().data)).toBe(`state@${snapshotIndex}`);
    expect(net.raw(3).status().commit).toBe(net.raw(1).status().commit);
    expect(net.raw(3).status().confState.voters).toEqual([1, 2, 3]);
    // Replication continues normally after the snapshot.
    net.raw(1).propose(bytes('after'));
    net.stabilize();
    expect(net.node(3).applied.map((entry) => text(entry.data))).toEqual(['after']);
    expect(net.raw(1).status().progress?.get(3)?.state).toBe('replicate');
  });

  test('reportSnapshot() failure makes the leader probe and send the snapshot again', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let n = 0; n < 5; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    compactLeader(net, 1);
    net.heal();
    // The first snapshot is lost on the way.
    let lost = 0;
    net.filter = (m) => !(m.type === 'snap' && lost++ === 0);
    net.tickAll(2);
    expect(net.raw(1).status().progress?.get(3)?.state).toBe('snapshot');
    net.raw(1).reportSnapshot(3, 'failure');
    expect(net.raw(1).status().progress?.get(3)?.state).toBe('probe');
    net.tickAll(3);
    expect(net.raw(3).status().commit).toBe(net.raw(1).status().commit);
  });

  test('tick() retries a lost snapshot nobody reported after two election timeouts', () => {
    const net = new TestNetwork([1, 2, 3]);
    net.campaign(1);
    net.isolate(3);
    for (let n = 0; n < 5; n++) net.raw(1).propose(bytes(`v${n}`));
    net.stabilize();
    compactLeader(net, 1);
    net.heal();
    let lost = 0;
    net.filter = (m) => !(m.type === 'snap' && lost++ === 0);
    net.tickAll(25);
    expect(net.raw(3).status().commit).toBe(net.raw(1).status().commit);
    expect(lost).toBe(2);
  });
});
