// A store revision: `main` is the cluster-wide revision a request commits at, `sub` the
// position of one change inside that request (a txn with three puts writes sub 0, 1, 2).

export interface Revision {
  readonly main: number;
  readonly sub: number;
}

export function compareRevisions(left: Revision, right: Revision): number {
  if (left.main !== right.main) return left.main < right.main ? -1 : 1;
  if (left.sub !== right.sub) return left.sub < right.sub ? -1 : 1;
  return 0;
}

export function revisionText(revision: Revision): string {
  return `${revision.main}.${revision.sub}`;
}
