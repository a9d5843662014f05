// The default RaftNodeFactory: etcd-ts's RawNode behind the host's narrow surface. The
// one translation is decoding a committed conf-change entry for applyConfChange.

import type { RaftConfig } from '../server/raft/config.js';
import { decodeConfChange, RawNode } from '../server/raft/index.js';
import type { ConfState, Entry } from '../server/raft/types.js';
import type { RaftNode } from './raft-node.js';

export function createRawNode(config: RaftConfig): RaftNode {
  const node = new RawNode(config);
  return {
    tick: () => node.tick(),
    step: (message) => node.step(message),
    propose: (data) => node.propose(data),
    proposeConfChange: (change) => node.proposeConfChange(change),
    applyConfChange: (entry: Entry): ConfState => node.applyConfChange(decodeConfChange(entry.data)),
    reportSnapshot: (to, status) => node.reportSnapshot(to, status),
    hasReady: () => node.hasReady(),
    ready: () => node.ready(),
    advance: (ready) => node.advance(ready),
  };
}
