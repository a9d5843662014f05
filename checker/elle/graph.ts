// The dependency graph between transactions and its cycles, classified as in Adya's
// and Elle's vocabulary: G0 (ww only), G1c (ww and wr), G-single (exactly one rw),
// G2-item (several rw); a "-realtime" suffix when the cycle needs a real-time edge.
export type EdgeKind = 'ww' | 'wr' | 'rw' | 'realtime';

export interface Edge {
  from: number;
  to: number;
  kind: EdgeKind;
  /** What the edge is about, e.g. `key 1: appended 3 after 2`. */
  why: string;
}

export interface CycleAnomaly {
  type: string;
  cycle: Edge[];
  description: string;
}

/** Cycles reported per anomaly type; searching on after that buys nothing. */
export const cyclesPerTypeMax = 5;

export class DependencyGraph {
  private readonly out = new Map<number, Edge[]>();
  private readonly seen = new Set<string>();
  readonly edges: Edge[] = [];

  add(edge: Edge): void {
    if (edge.from === edge.to) return;
    const id = `${edge.from}>${edge.to}>${edge.kind}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.edges.push(edge);
    let list = this.out.get(edge.from);
    if (list === undefined) this.out.set(edge.from, (list = []));
    list.push(edge);
  }

  /** A shortest path from `start` to `goal` over edges of the allowed kinds (BFS). */
  path(start: number, goal: number, allowed: ReadonlySet<EdgeKind>): Edge[] | undefined {
    const via = new Map<number, Edge | null>([[start, null]]);
    let frontier = [start];
    while (frontier.length > 0) {
      const nextFrontier: number[] = [];
      for (const node of frontier) {
        for (const edge of this.out.get(node) ?? []) {
          if (!allowed.has(edge.kind) || via.has(edge.to)) continue;
          via.set(edge.to, edge);
          if (edge.to === goal) {
            const path: Edge[] = [];
            for (let at: Edge | null | undefined = edge; at; at = via.get(at.from)) path.push(at);
            return path.reverse();
          }
          nextFrontier.push(edge.to);
        }
      }
      frontier = nextFrontier;
    }
    return undefined;
  }
}

const kinds = (...list: EdgeKind[]): ReadonlySet<EdgeKind> => new Set(list);

function classify(cycle: Edge[]): string {
  const rw = cycle.filter((edge) => edge.kind === 'rw').length;
  const realtime = cycle.some((edge) => edge.kind === 'realtime') ? '-realtime' : '';
  if (rw === 0)
    return (cycle.every((edge) => edge.kind === 'ww' || edge.kind === 'realtime') ? 'G0' : 'G1c') + realtime;
  return (rw === 1 ? 'G-single' : 'G2-item') + realtime;
}

export function describeCycle(cycle: Edge[]): string {
  return cycle.map((edge) => `T${edge.from} -${edge.kind}-> T${edge.to} (${edge.why})`).join(', ');
}

/**
 * Finds cycles, closing each edge with a shortest path back, in order of how weak the
 * anomaly is: data-only cycles first, then those that need real-time order.
 */
export function findCycles(graph: DependencyGraph): CycleAnomaly[] {
  const anomalies: CycleAnomaly[] = [];
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const searches: Array<{ closing: EdgeKind; back: ReadonlySet<EdgeKind> }> = [
    { closing: 'ww', back: kinds('ww') },
    { closing: 'wr', back: kinds('ww', 'wr') },
    { closing: 'rw', back: kinds('ww', 'wr') },
    { closing: 'rw', back: kinds('ww', 'wr', 'rw') },
    { closing: 'realtime', back: kinds('ww', 'wr', 'rw', 'realtime') },
  ];
  for (const search of searches) {
    for (const edge of graph.edges) {
      if (edge.kind !== search.closing) continue;
      const back = graph.path(edge.to, edge.from, search.back);
      if (back === undefined) continue;
      const cycle = [edge, ...back];
      const signature = cycle
        .map((item) => item.from)
        .sort((a, b) => a - b)
        .join(',');
      if (seen.has(signature)) continue;
      seen.add(signature);
      const type = classify(cycle);
      const count = counts.get(type) ?? 0;
      if (count >= cyclesPerTypeMax) continue;
      counts.set(type, count + 1);
      anomalies.push({ type, cycle, description: `${type}: ${describeCycle(cycle)}` });
    }
  }
  return anomalies;
}

/** Real-time edges: T1 completed before T2 was invoked. Quadratic, so bounded. */
export const realtimeTransactionsMax = 3000;

export function addRealtimeEdges(
  graph: DependencyGraph,
  transactions: Array<{ id: number; invokeIndex: number; completeIndex: number }>,
): boolean {
  if (transactions.length > realtimeTransactionsMax) return false;
  const byCompletion = [...transactions].sort((a, b) => a.completeIndex - b.completeIndex);
  for (const later of transactions) {
    // Only the latest predecessors matter for cycles: earlier ones reach `later` through them.
    let latestInvoke = Number.NEGATIVE_INFINITY;
    for (let i = byCompletion.length - 1; i >= 0; i--) {
      const earlier = byCompletion[i]!;
      if (earlier.completeIndex >= later.invokeIndex) continue;
      if (earlier.completeIndex < latestInvoke) break;
      latestInvoke = Math.max(latestInvoke, earlier.invokeIndex);
      graph.add({
        from: earlier.id,
        to: later.id,
        kind: 'realtime',
        why: 'completed before the other began',
      });
    }
  }
  return true;
}
