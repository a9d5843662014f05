// Colours: the Okabe–Ito palette, readable with the common colour-vision deficiencies.
// Status colours differ in lightness as well as hue, so they also survive greyscale.
import type { OperationStatus } from './operations.js';

export const okabeIto = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
];

export const statusColours: Record<OperationStatus, string> = {
  ok: '#0072B2',
  fail: '#CC79A7',
  info: '#E69F00',
};

/** Violations are outlined in vermillion on top of their status colour. */
export const violationColour = '#D55E00';
export const faultBandColour = 'rgba(120,120,120,0.18)';
export const faultLineColour = '#777777';

export function seriesColour(position: number): string {
  return okabeIto[position % okabeIto.length]!;
}
