// A dependency cycle drawn as SVG: transactions on a circle, one arrow per edge, each
// labelled with its kind (ww, wr, rw, realtime, process) and key.
import { escapeHtml } from './escape.js';
import { okabeIto } from './palette.js';
import type { CycleAnomaly, DependencyEdge } from './results.js';

const edgeColours: Record<DependencyEdge['type'], string> = {
  ww: okabeIto[0]!,
  wr: okabeIto[2]!,
  rw: okabeIto[5]!,
  realtime: okabeIto[3]!,
  process: okabeIto[7]!,
};

/** Transactions drawn; a longer cycle is cut here with a note (cycles are short in practice). */
export const cycleNodesMax = 24;

export function renderCycleGraph(anomaly: CycleAnomaly, markerId: string): string {
  const nodes: number[] = [];
  for (const edge of anomaly.cycle) {
    for (const node of [edge.from, edge.to])
      if (!nodes.includes(node) && nodes.length < cycleNodesMax) nodes.push(node);
  }
  const size = 420;
  const centre = size / 2;
  const radius = nodes.length <= 1 ? 0 : 140;
  const position = new Map(
    nodes.map((node, i) => {
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, nodes.length);
      return [node, { x: centre + radius * Math.cos(angle), y: centre + radius * Math.sin(angle) }];
    }),
  );
  const parts: string[] = [
    `<svg class="cycle" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="dependency cycle ${escapeHtml(anomaly.name)}">`,
    `<defs><marker id="${markerId}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>`,
  ];
  for (const edge of anomaly.cycle) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (from === undefined || to === undefined) continue;
    // Bend each arrow to its left: the two directions between one pair of nodes then curve apart.
    const middle = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
    const length = Math.hypot(to.x - from.x, to.y - from.y) || 1;
    const bend = 36;
    const control = {
      x: middle.x + ((to.y - from.y) / length) * bend,
      y: middle.y - ((to.x - from.x) / length) * bend,
    };
    const shorten = (point: { x: number; y: number }): { x: number; y: number } => {
      const dx = control.x - point.x;
      const dy = control.y - point.y;
      const distance = Math.hypot(dx, dy) || 1;
      return { x: point.x + (dx / distance) * 24, y: point.y + (dy / distance) * 24 };
    };
    const start = shorten(from);
    const end = shorten(to);
    const colour = edgeColours[edge.type] ?? '#333';
    const label = edge.key === undefined ? edge.type : `${edge.type} ${edge.key}`;
    parts.push(
      `<path d="M${start.x.toFixed(1)},${start.y.toFixed(1)} Q${control.x.toFixed(1)},${control.y.toFixed(1)} ${end.x.toFixed(1)},${end.y.toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2" marker-end="url(#${markerId})"/>`,
      `<text class="edge-label" x="${control.x.toFixed(1)}" y="${control.y.toFixed(1)}" text-anchor="middle" fill="${colour}">${escapeHtml(label)}</text>`,
    );
  }
  for (const node of nodes) {
    const point = position.get(node)!;
    const description = anomaly.transactions?.[String(node)];
    parts.push(
      `<g class="txn" tabindex="0" data-call-index="${node}"><circle cx="${point.x.toFixed(1)}" cy="${point.y.toFixed(1)}" r="22" fill="#fff" stroke="#333" stroke-width="2"/><text x="${point.x.toFixed(1)}" y="${(point.y + 4).toFixed(1)}" text-anchor="middle">T${node}</text>${description === undefined ? '' : `<title>${escapeHtml(description)}</title>`}</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

export function edgeLegend(): string {
  return Object.entries(edgeColours)
    .map(([type, colour]) => `<span class="swatch" style="background:${colour}"></span>${type}`)
    .join(' ');
}
