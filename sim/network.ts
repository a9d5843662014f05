// The simulated network between nodes. Every directed link has its own settings: a delay
// drawn uniformly from [delayMsMin, delayMsMax] with a slow tail, and loss, duplication
// and reordering as integer per-mille ratios drawn from the seeded Random. Without
// reordering a link is FIFO, like one TCP connection. A blocked link (a partition, or one
// direction of it) drops what is sent on it and what was still in flight when it was cut.

import { assert } from '../server/assert.js';
import { ConfigError } from '../server/config-error.js';
import type { Random } from '../server/ports/random.js';
import type { Message, NodeId } from '../server/raft/types.js';
import type { EventQueue } from './event-queue.js';

export interface LinkSettings {
  readonly delayMsMin: number;
  readonly delayMsMax: number;
  /** Per mille of messages that take the slow tail: up to `tailDelayMsMax` more. */
  readonly tailPerMille: number;
  readonly tailDelayMsMax: number;
  readonly lossPerMille: number;
  readonly duplicatePerMille: number;
  /** Per mille of messages that leave FIFO order and may be passed by later ones. */
  readonly reorderPerMille: number;
}

export const defaultLinkSettings: LinkSettings = {
  delayMsMin: 1,
  delayMsMax: 5,
  tailPerMille: 10,
  tailDelayMsMax: 50,
  lossPerMille: 0,
  duplicatePerMille: 0,
  reorderPerMille: 0,
};

export function validateLinkSettings(settings: LinkSettings, prefix: string): void {
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ConfigError(`${prefix}.${name}`, value, 'it must be a non-negative integer');
    }
  }
  if (settings.delayMsMax < settings.delayMsMin) {
    throw new ConfigError(
      `${prefix}.delayMsMax`,
      settings.delayMsMax,
      `it must be at least delayMsMin (${settings.delayMsMin})`,
    );
  }
  for (const name of ['tailPerMille', 'lossPerMille', 'duplicatePerMille', 'reorderPerMille'] as const) {
    if (settings[name] > 1000)
      throw new ConfigError(`${prefix}.${name}`, settings[name], 'it must be at most 1000');
  }
}

export interface NetworkStats {
  sent: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Dropped because the link was blocked when sent or while in flight. */
  blocked: number;
}

interface Link {
  settings: LinkSettings;
  blocked: boolean;
  /** Latest scheduled FIFO delivery; later in-order messages may not arrive before it. */
  lastDeliveryMs: number;
}

export interface NetworkOptions {
  readonly nodeIds: readonly NodeId[];
  readonly linkSettings?: LinkSettings;
  /** Hands a message that arrived to its destination node (which may drop or hold it). */
  readonly deliver: (message: Message) => void;
}

export class SimNetwork {
  readonly stats: NetworkStats = { sent: 0, delivered: 0, lost: 0, duplicated: 0, reordered: 0, blocked: 0 };
  /** Node id -> its row in `links`; aliases (a member's later Raft ids) share the row. */
  private readonly indexOf = new Map<NodeId, number>();
  private readonly nodeIds: readonly NodeId[];
  private readonly links: Link[] = [];
  private readonly nodeCount: number;
  private readonly deliver: (message: Message) => void;

  constructor(
    private readonly queue: EventQueue,
    private readonly random: Random,
    options: NetworkOptions,
  ) {
    const settings = options.linkSettings ?? defaultLinkSettings;
    validateLinkSettings(settings, 'network');
    this.nodeCount = options.nodeIds.length;
    this.nodeIds = [...options.nodeIds];
    options.nodeIds.forEach((id, index) => {
      this.indexOf.set(id, index);
    });
    for (let i = 0; i < this.nodeCount * this.nodeCount; i++) {
      this.links.push({ settings, blocked: false, lastDeliveryMs: 0 });
    }
    this.deliver = options.deliver;
  }

  /**
   * Routes `id` over the links of node `sameAs`: a member added back to the cluster under
   * a new Raft id keeps its place in the network (and its partitions).
   */
  alias(id: NodeId, sameAs: NodeId): void {
    const index = this.indexOf.get(sameAs);
    assert(index !== undefined && this.nodeIds.includes(sameAs), () => `alias ${id}: no node ${sameAs}`);
    const taken = this.indexOf.get(id);
    assert(taken === undefined || taken === index, () => `alias ${id}: already names another node`);
    this.indexOf.set(id, index);
  }

  /** Changes the settings of one directed link, or of every link when from/to are omitted. */
  configure(settings: LinkSettings, link?: { from: NodeId; to: NodeId }): void {
    validateLinkSettings(settings, 'network');
    if (link === undefined) for (const each of this.links) each.settings = settings;
    else this.link(link.from, link.to).settings = settings;
  }

  settings(from: NodeId, to: NodeId): LinkSettings {
    return this.link(from, to).settings;
  }

  /** Cuts (or restores) the direction from -> to only: a one-way partition. */
  setBlocked(from: NodeId, to: NodeId, blocked: boolean): void {
    this.link(from, to).blocked = blocked;
  }

  isBlocked(from: NodeId, to: NodeId): boolean {
    return this.link(from, to).blocked;
  }

  /** Splits the nodes into groups that can talk only inside their own group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, index) => {
      for (const id of group) groupOf.set(id, index);
    });
    for (const from of this.nodeIds) {
      for (const to of this.nodeIds) {
        if (from !== to) this.setBlocked(from, to, groupOf.get(from) !== groupOf.get(to));
      }
    }
  }

  /** Restores every link (settings such as loss stay as they are). */
  heal(): void {
    for (const link of this.links) link.blocked = false;
  }

  send(message: Message): void {
    this.stats.sent++;
    const link = this.linkIfAny(message.from, message.to);
    // No link: a member just added, not started yet (nothing listens at its address).
    if (link === undefined || link.blocked) {
      this.stats.blocked++;
      return;
    }
    const settings = link.settings;
    if (settings.lossPerMille > 0 && this.random.chance(settings.lossPerMille, 1000)) {
      this.stats.lost++;
      return;
    }
    this.schedule(link, message);
    if (settings.duplicatePerMille > 0 && this.random.chance(settings.duplicatePerMille, 1000)) {
      this.stats.duplicated++;
      this.schedule(link, message);
    }
  }

  private schedule(link: Link, message: Message): void {
    const settings = link.settings;
    const nowMs = this.queue.nowMs();
    // Microsecond resolution keeps delays integers in the PRNG and distinct in time.
    let delayUs = this.random.intBetween(settings.delayMsMin * 1000, settings.delayMsMax * 1000);
    if (settings.tailPerMille > 0 && this.random.chance(settings.tailPerMille, 1000)) {
      delayUs += this.random.intBetween(0, settings.tailDelayMsMax * 1000);
    }
    let deliveryMs = nowMs + delayUs / 1000;
    if (settings.reorderPerMille > 0 && this.random.chance(settings.reorderPerMille, 1000)) {
      this.stats.reordered++;
      deliveryMs += this.random.intBetween(0, settings.delayMsMax * 1000) / 1000;
    } else {
      if (deliveryMs < link.lastDeliveryMs) deliveryMs = link.lastDeliveryMs;
      link.lastDeliveryMs = deliveryMs;
    }
    this.queue.schedule(deliveryMs, () => {
      if (link.blocked) {
        this.stats.blocked++;
        return;
      }
      this.stats.delivered++;
      this.deliver(message);
    });
  }

  private linkIfAny(from: NodeId, to: NodeId): Link | undefined {
    const fromIndex = this.indexOf.get(from);
    const toIndex = this.indexOf.get(to);
    if (fromIndex === undefined || toIndex === undefined) return undefined;
    return this.links[fromIndex * this.nodeCount + toIndex];
  }

  private link(from: NodeId, to: NodeId): Link {
    const fromIndex = this.indexOf.get(from);
    const toIndex = this.indexOf.get(to);
    assert(fromIndex !== undefined && toIndex !== undefined, () => `no link ${from} -> ${to}`);
    return this.links[fromIndex * this.nodeCount + toIndex]!;
  }
}
