// A brute-force linearizability checker for tiny histories: tries every order that
// respects real time, with crashed operations placed anywhere or left out. It shares
// nothing with the real search but the model, so tests compare the two.
import type { Operation } from './history.js';
import type { Model } from './model.js';

/** Beyond this many operations brute force takes too long to be a useful reference. */
export const referenceOperationsMax = 10;

export function checkByBruteForce<State>(model: Model<State>, operations: Operation[]): boolean {
  if (operations.length > referenceOperationsMax) {
    throw new Error(`checkByBruteForce: ${operations.length} operations exceed ${referenceOperationsMax}`);
  }
  const placed = new Array<boolean>(operations.length).fill(false);
  const mustPlace = operations.filter((operation) => !operation.crashed).length;
  const explore = (state: State, placedOk: number): boolean => {
    if (placedOk === mustPlace) return true;
    for (let i = 0; i < operations.length; i++) {
      if (placed[i]) continue;
      const candidate = operations[i]!;
      // Every operation that returned before this one was called must already be placed.
      const ready = operations.every(
        (other, j) => placed[j] || j === i || other.returnIndex > candidate.callIndex,
      );
      if (!ready) continue;
      const result = model.step(state, candidate);
      if (!result.ok) continue;
      placed[i] = true;
      const found = explore(result.next, placedOk + (candidate.crashed ? 0 : 1));
      placed[i] = false;
      if (found) return true;
    }
    return false;
  };
  return explore(model.init(), 0);
}
