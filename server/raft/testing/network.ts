// A deterministic in-memory cluster of RawNodes for tests (like etcd raft's test
// `network`): each node has a MemoryStorage that plays its disk, Ready batches are
// handled exactly as the contract says (persist, send, apply, advance), and messages
// wait in one FIFO queue until the test delivers them, so a test controls every
// interleaving. Links can be cut one way or both.

import { assert } from '../../assert.js';
import { Xoshiro128 } from '../../ports/random.js';
import { decodeConfChange } from '../conf-change.js';
import type { RaftConfig } from '../config.js';
import { RawNode } from '../raw-node.js';
import { MemoryStorage } from '../storage.js';
import type { ConfState, Entry, Message, NodeId, ReadState } from '../types.js';

/** Bound on message deliveries and Ready rounds in one stabilize() call. */
export const stabilizeStepsMax = 100_000;

export type ConfigOverrides = Partial<Omit<RaftConfig, 'id' | 'storage' | 'random'>>;

export interface TestNode {
  readonly id: NodeId;
  rawNode: RawNode;
  readonly storage: MemoryStorage;
  /** Normal entries applied, in order (the "state machine"). */
  applied: Entry[];
  readStates: ReadState[];
  confState: ConfState | undefined;
  up: boolean;
}

export class TestNetwork {
  readonly nodes = new Map<NodeId, TestNode>();
  /** Messages sent and not yet delivered, in send order. */
  queue: Message[] = [];
  /** Every message ever sent, for counting in tests. */
  readonly sent: Message[] = [];
  private readonly cut = new Set<string>();
  private readonly random: Xoshiro128;
  private readonly overrides: ConfigOverrides;
  /** Return false to drop a message in flight. */
  filter: ((m: Message) => boolean) | undefined;
  private sortedIds: NodeId[] | undefined;
  /** When set, deliveries and role changes are written here (transcript tests). */
  trace: string[] | undefined;

  /**
   * A cluster of `ids`. A node listed in `storages` starts from that storage (a restart
   * with a prepared log); the others bootstrap a new cluster of `ids`.
   */
  constructor(
    ids: readonly NodeId[],
    options: { seed?: number; config?: ConfigOverrides; storages?: ReadonlyMap<NodeId, MemoryStorage> } = {},
  ) {
    this.random = new Xoshiro128(options.seed ?? 1);
    this.overrides = options.config ?? {};
    for (const id of ids) {
      const storage = options.storages?.get(id);
      this.addNode(id, storage === undefined ? { peers: ids } : { storage });
    }
    // Persist and apply the bootstrap entries, as a real node does before anything else.
    this.stabilize();
  }

  /** Creates a node; a new cluster member gets no peers and learns the cluster from the leader. */
  addNode(
    id: NodeId,
    options: { peers?: readonly NodeId[]; config?: ConfigOverrides; storage?: MemoryStorage } = {},
  ): TestNode {
    const storage = options.storage ?? new MemoryStorage();
    const node: TestNode = {
      id,
      storage,
      rawNode: new RawNode({
        ...this.overrides,
        ...options.config,
        id,
        peers: options.peers ?? [],
        storage,
        random: this.random.fork(),
      }),
      applied: [],
      readStates: [],
      confState: undefined,
      up: true,
    };
    this.nodes.set(id, node);
    this.sortedIds = undefined;
    return node;
  }

  node(id: NodeId): TestNode {
    const node = this.nodes.get(id);
    assert(node !== undefined, () => `no node ${id}`);
    return node;
  }

  raw(id: NodeId): RawNode {
    return this.node(id).rawNode;
  }

  /** Handles one Ready of node `id` as the contract says. Returns false if it had none. */
  processReady(id: NodeId): boolean {
    const node = this.node(id);
    if (!node.up || !node.rawNode.hasReady()) return false;
    const ready = node.rawNode.ready();
    if (ready.softState !== undefined) {
      const term = ready.hardState?.term ?? node.rawNode.status().term;
      this.trace?.push(
        `${id} is ${ready.softState.state} in term ${term}, leader ${ready.softState.lead || 'none'}`,
      );
    }
    if (ready.snapshot !== undefined) {
      node.storage.applySnapshot(ready.snapshot);
      node.applied = [];
      node.confState = ready.snapshot.metadata.confState;
    }
    node.storage.append(ready.entries);
    if (ready.hardState !== undefined) node.storage.setHardState(ready.hardState);
    for (const m of ready.messages) {
      this.sent.push(m);
      // A partition loses what is sent across it; what was already in flight may arrive.
      if (this.cut.has(linkKey(m.from, m.to))) this.trace?.push(`lost ${describeMessage(m)}`);
      else this.queue.push(m);
    }
    for (const entry of ready.committedEntries) {
      if (entry.type === 'confChange')
        node.confState = node.rawNode.applyConfChange(decodeConfChange(entry.data));
      else if (entry.data.byteLength > 0) node.applied.push(entry);
    }
    node.readStates.push(...ready.readStates);
    node.rawNode.advance(ready);
    return true;
  }

  /** Delivers one queued message (dropped if its link is cut or a node is down). */
  deliverOne(): boolean {
    const m = this.queue.shift();
    if (m === undefined) return false;
    const target = this.nodes.get(m.to);
    const lost =
      target === undefined ||
      !target.up ||
      !this.nodes.get(m.from)?.up ||
      this.cut.has(linkKey(m.from, m.to)) ||
      (this.filter !== undefined && !this.filter(m));
    this.trace?.push(`${lost ? 'lost ' : ''}${describeMessage(m)}`);
    if (lost) return true;
    target.rawNode.step(m);
    return true;
  }

  /** Runs Ready rounds and deliveries until nothing is left to do. */
  stabilize(): void {
    for (let steps = 0; steps < stabilizeStepsMax; steps++) {
      let busy = false;
      for (const id of this.ids()) busy = this.processReady(id) || busy;
      busy = this.deliverOne() || busy;
      if (!busy) return;
    }
    assert(false, `the network did not stabilize within ${stabilizeStepsMax} steps`);
  }

  ids(): NodeId[] {
    if (this.sortedIds === undefined) this.sortedIds = [...this.nodes.keys()].sort((a, b) => a - b);
    return this.sortedIds;
  }

  tick(id: NodeId, count = 1): void {
    for (let tick = 0; tick < count; tick++) this.raw(id).tick();
  }

  /** Ticks every live node once per round, stabilizing after each round. */
  tickAll(rounds: number): void {
    for (let round = 0; round < rounds; round++) {
      for (const id of this.ids()) if (this.node(id).up) this.raw(id).tick();
      this.stabilize();
    }
  }

  campaign(id: NodeId): void {
    this.raw(id).campaign();
    this.stabilize();
  }

  /** The single leader among live nodes with the highest term, if any. */
  leader(): NodeId | undefined {
    let best: { id: NodeId; term: number } | undefined;
    for (const id of this.ids()) {
      const node = this.node(id);
      if (!node.up) continue;
      const status = node.rawNode.status();
      if (status.state === 'leader' && (best === undefined || status.term > best.term))
        best = { id, term: status.term };
    }
    return best?.id;
  }

  cutLink(from: NodeId, to: NodeId): void {
    this.cut.add(linkKey(from, to));
  }

  /** Cuts every link to and from `id`. */
  isolate(id: NodeId): void {
    for (const other of this.ids()) {
      if (other === id) continue;
      this.cutLink(id, other);
      this.cutLink(other, id);
    }
  }

  heal(): void {
    this.cut.clear();
    this.filter = undefined;
  }

  /** Crash: volatile state is gone; the MemoryStorage (everything persisted) survives. */
  crash(id: NodeId): void {
    this.node(id).up = false;
  }

  /** Restarts a crashed node from its storage; the state machine replays from scratch. */
  restart(id: NodeId, config: ConfigOverrides = {}): void {
    const node = this.node(id);
    node.rawNode = new RawNode({
      ...this.overrides,
      ...config,
      id,
      storage: node.storage,
      random: this.random.fork(),
    });
    node.applied = [];
    node.readStates = [];
    node.up = true;
  }
}

/**
 * A storage as a node would hold it after a restart: membership `voters` (kept in a
 * snapshot at index 0), the given log and hard state.
 */
export function storageWith(options: {
  voters: readonly NodeId[];
  entries: readonly Entry[];
  term: number;
  vote?: NodeId;
  commit?: number;
}): MemoryStorage {
  const storage = new MemoryStorage();
  storage.applySnapshot({
    metadata: { index: 0, term: 0, confState: { voters: [...options.voters], learners: [] } },
    data: new Uint8Array(0),
  });
  storage.append(options.entries);
  storage.setHardState({ term: options.term, vote: options.vote ?? 0, commit: options.commit ?? 0 });
  return storage;
}

/** Entries index first.. with the given terms and payloads named after their index. */
export function entriesWithTerms(first: number, terms: readonly number[], prefix = 'e'): Entry[] {
  return terms.map((term, position) => ({
    term,
    index: first + position,
    type: 'normal',
    data: bytes(`${prefix}${first + position}`),
  }));
}

/** One line per message, naming only the fields its type uses. */
export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${m.type} term=${m.term}`];
  if (m.type === 'app' || m.type === 'vote' || m.type === 'preVote')
    parts.push(`index=${m.index} logTerm=${m.logTerm}`);
  if (m.type === 'appResp' || m.type === 'readIndexResp') parts.push(`index=${m.index}`);
  if (m.entries.length > 0) parts.push(`entries=[${m.entries.map(describeEntry).join(' ')}]`);
  if (m.type === 'app' || m.type === 'heartbeat') parts.push(`commit=${m.commit}`);
  if (m.reject) parts.push(`reject hint=${m.rejectHint} hintTerm=${m.logTerm}`);
  if (m.snapshot !== undefined)
    parts.push(`snapshot=${m.snapshot.metadata.index}/${m.snapshot.metadata.term}`);
  if (m.context !== undefined && m.context.byteLength > 0)
    parts.push(`context=${JSON.stringify(text(m.context))}`);
  return parts.join(' ');
}

function describeEntry(entry: Entry): string {
  const payload = entry.type === 'confChange' ? 'conf' : JSON.stringify(text(entry.data));
  return `${entry.index}/${entry.term}:${payload}`;
}

function linkKey(from: NodeId, to: NodeId): string {
  return `${from}->${to}`;
}

export function bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function text(data: Uint8Array): string {
  return new TextDecoder().decode(data);
}
