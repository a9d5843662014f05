// Majority arithmetic for a single (non-joint) configuration: the index a quorum of
// voters has matched (§5.3 commitment) and the outcome of an election (§5.2).

export type VoteResult = 'won' | 'lost' | 'pending';

/** The highest index matched by a majority of `voters`; 0 with no voters. */
export function majorityCommittedIndex(voters: readonly number[], matchOf: (id: number) => number): number {
  if (voters.length === 0) return 0;
  // Runs on every append acknowledgment: a typed array sorts numerically (ascending)
  // without a comparator call per pair.
  const matches = new Float64Array(voters.length);
  for (let position = 0; position < voters.length; position++)
    matches[position] = matchOf(voters[position] as number);
  matches.sort();
  return matches[voters.length - 1 - Math.floor(voters.length / 2)] as number;
}

export function majorityVoteResult(
  voters: readonly number[],
  votes: ReadonlyMap<number, boolean>,
): VoteResult {
  if (voters.length === 0) return 'won';
  let granted = 0;
  let rejected = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  const quorum = Math.floor(voters.length / 2) + 1;
  if (granted >= quorum) return 'won';
  if (voters.length - rejected >= quorum) return 'pending';
  return 'lost';
}
