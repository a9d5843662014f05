// Fault intervals from the nemesis events of a history, drawn as bands on every chart.
// Conventions read: `start-<fault>` / `stop-<fault>` (also `start` / `stop` alone, and
// `heal`, which ends every open fault); any other nemesis event is an instant marker.
// Jepsen logs a nemesis op as invoke then info with the same f: the pair counts once.
import type { History } from '../checker/history.js';

export interface FaultInterval {
  name: string;
  startTime: number;
  /** Undefined when the fault was never stopped: it lasts to the end of the history. */
  endTime: number | undefined;
  /** The starting event's value, shown on hover. */
  detail: unknown;
  startIndex: number;
}

const startPattern = /^(?:start|begin)(?:[-_ ](.*))?$/;
const stopPattern = /^(?:stop|end|heal|resume)(?:[-_ ](.*))?$/;

/** Open faults tracked at once; past this a start is recorded as an instant marker. */
export const openFaultsMax = 1_000;

export function faultIntervals(history: History): FaultInterval[] {
  const intervals: FaultInterval[] = [];
  const open: FaultInterval[] = [];
  let previous: { f: string; process: string } | undefined;
  for (const event of history) {
    if (event.process !== 'nemesis') continue;
    // The completion of a nemesis op repeats its invoke's f; only the first one counts.
    if (previous !== undefined && previous.f === event.f && event.type !== 'invoke') {
      previous = undefined;
      continue;
    }
    previous = { f: event.f, process: 'nemesis' };
    const started = startPattern.exec(event.f);
    const stopped = stopPattern.exec(event.f);
    if (started !== null && open.length < openFaultsMax) {
      const name = started[1] ?? (typeof event.value === 'string' ? event.value : 'fault');
      const interval = {
        name,
        startTime: event.time,
        endTime: undefined,
        detail: event.value,
        startIndex: event.index,
      };
      intervals.push(interval);
      open.push(interval);
    } else if (stopped !== null) {
      const name = stopped[1];
      for (let i = open.length - 1; i >= 0; i--) {
        const candidate = open[i]!;
        if (name === undefined || candidate.name === name || event.f.startsWith('heal')) {
          candidate.endTime = event.time;
          open.splice(i, 1);
          if (name !== undefined && !event.f.startsWith('heal')) break;
        }
      }
    } else {
      intervals.push({
        name: event.f,
        startTime: event.time,
        endTime: event.time,
        detail: event.value,
        startIndex: event.index,
      });
    }
  }
  return intervals;
}
