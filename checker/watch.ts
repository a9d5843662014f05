// Watch checker against etcd's watch guarantees, per stream: ordered (revisions never go
// back), unique (no event twice), atomic (one revision's events in one response),
// reliable (no event missing or invented compared with the KV history), resumable (a
// watch from revision R starts at R), and progress notifications consistent (after a
// notify at revision R no event at or below R arrives, and R covers what was delivered).

export interface WatchEvent {
  revision: number;
  key: string;
  type: 'put' | 'delete';
  value?: unknown;
}

export interface WatchResponse {
  events: WatchEvent[];
  /** True for a progress notification: an empty response whose header revision is R. */
  progressNotify?: boolean;
  headerRevision: number;
}

export interface WatchStream {
  id: string;
  startRevision: number;
  /** Keys watched: exactly `key`, or every key with this prefix. */
  key: string;
  prefix?: boolean;
  responses: WatchResponse[];
}

export type WatchProblemType =
  | 'unordered'
  | 'duplicate'
  | 'split-revision'
  | 'missing'
  | 'unexpected'
  | 'before-start'
  | 'progress-notify';

export interface WatchProblem {
  stream: string;
  type: WatchProblemType;
  revision: number;
  description: string;
}

/** Problems reported per stream; one broken stream can otherwise flood the report. */
export const watchProblemsPerStreamMax = 20;

function eventId(event: WatchEvent): string {
  return `${event.revision}|${event.key}|${event.type}|${JSON.stringify(event.value ?? null)}`;
}

function checkStream(stream: WatchStream, changes: WatchEvent[]): WatchProblem[] {
  const problems: WatchProblem[] = [];
  const report = (type: WatchProblemType, revision: number, description: string): void => {
    if (problems.length < watchProblemsPerStreamMax)
      problems.push({ stream: stream.id, type, revision, description });
  };
  const watched = (key: string): boolean => (stream.prefix ? key.startsWith(stream.key) : key === stream.key);
  const received = new Set<string>();
  const responseOfRevision = new Map<number, number>();
  let lastRevision = 0;
  let notifiedRevision = 0;
  let coveredRevision = stream.startRevision - 1;
  stream.responses.forEach((response, responseIndex) => {
    if (response.progressNotify) {
      if (response.headerRevision < lastRevision) {
        report(
          'progress-notify',
          response.headerRevision,
          `progress notify at ${response.headerRevision} after an event at ${lastRevision}`,
        );
      }
      notifiedRevision = Math.max(notifiedRevision, response.headerRevision);
      coveredRevision = Math.max(coveredRevision, response.headerRevision);
      return;
    }
    for (const event of response.events) {
      const id = eventId(event);
      if (event.revision < stream.startRevision)
        report(
          'before-start',
          event.revision,
          `event at ${event.revision} before the start revision ${stream.startRevision}`,
        );
      if (event.revision < lastRevision)
        report('unordered', event.revision, `event at ${event.revision} after one at ${lastRevision}`);
      if (received.has(id)) report('duplicate', event.revision, `event ${id} delivered twice`);
      if (event.revision <= notifiedRevision) {
        report(
          'progress-notify',
          event.revision,
          `event at ${event.revision} after a progress notify at ${notifiedRevision}`,
        );
      }
      const earlier = responseOfRevision.get(event.revision);
      if (earlier !== undefined && earlier !== responseIndex)
        report(
          'split-revision',
          event.revision,
          `revision ${event.revision} split across responses ${earlier} and ${responseIndex}`,
        );
      responseOfRevision.set(event.revision, responseIndex);
      received.add(id);
      lastRevision = Math.max(lastRevision, event.revision);
      coveredRevision = Math.max(coveredRevision, event.revision);
    }
  });
  const expected = new Set<string>();
  for (const change of changes) {
    if (change.revision < stream.startRevision || change.revision > coveredRevision || !watched(change.key))
      continue;
    const id = eventId(change);
    expected.add(id);
    if (!received.has(id))
      report(
        'missing',
        change.revision,
        `the ${change.type} of ${change.key} at ${change.revision} was never delivered`,
      );
  }
  for (const id of received) {
    const revision = Number(id.split('|')[0]);
    if (!expected.has(id) && revision >= stream.startRevision)
      report('unexpected', revision, `event ${id} is not in the KV history`);
  }
  return problems;
}

/** `changes`: every committed change of the KV history (from the etcd model's linearization or the server). */
export function checkWatch(
  streams: WatchStream[],
  changes: WatchEvent[],
): { valid: boolean; problems: WatchProblem[] } {
  const problems = streams.flatMap((stream) => checkStream(stream, changes));
  return { valid: problems.length === 0, problems };
}
