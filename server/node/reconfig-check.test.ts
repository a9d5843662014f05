// The strict reconfiguration rule alone, case by case against what etcd's
// mayRemoveMember/mayAddMember decide for the same membership and connectivity.

import { describe, expect, test } from 'vitest';
import { checkAdd, checkRemoveVoter, type ReconfigView } from './reconfig-check.js';

function view(options: {
  started?: number[];
  active?: number[] | undefined;
  voters?: number[];
}): ReconfigView {
  const voters = options.voters ?? [1, 2, 3];
  const started = new Set(options.started ?? voters);
  return {
    voters: voters.map((id) => ({ id, started: started.has(id) })),
    self: 1,
    activePeers:
      'active' in options && options.active === undefined ? undefined : new Set(options.active ?? voters),
  };
}

describe('checkRemoveVoter()', () => {
  test('checkRemoveVoter() allows removing any voter of a healthy three-member cluster', () => {
    for (const id of [1, 2, 3]) expect(checkRemoveVoter(view({}), id)).toEqual({ type: 'ok' });
  });

  test('checkRemoveVoter() refuses removing a live voter while another is down (unhealthy cluster)', () => {
    expect(checkRemoveVoter(view({ active: [3] }), 3)).toEqual({ type: 'refused', error: 'unhealthy' });
    expect(checkRemoveVoter(view({ active: [3] }), 1)).toEqual({ type: 'refused', error: 'unhealthy' });
  });

  test('checkRemoveVoter() allows removing the voter that is down', () => {
    expect(checkRemoveVoter(view({ active: [3] }), 2)).toEqual({ type: 'ok' });
  });

  test('checkRemoveVoter() refuses when the remaining started voters are not a quorum', () => {
    expect(checkRemoveVoter(view({ started: [1, 3] }), 3)).toEqual({
      type: 'refused',
      error: 'memberNotEnoughStarted',
    });
    expect(checkRemoveVoter(view({ voters: [1] }), 1)).toEqual({
      type: 'refused',
      error: 'memberNotEnoughStarted',
    });
  });

  test('checkRemoveVoter() skips the connected layer when the member cannot judge it', () => {
    expect(checkRemoveVoter(view({ active: undefined }), 3)).toEqual({ type: 'ok' });
  });

  test('checkRemoveVoter() in a five-member cluster tolerates one voter down but not two', () => {
    const voters = [1, 2, 3, 4, 5];
    expect(checkRemoveVoter(view({ voters, active: [3, 4, 5] }), 5)).toEqual({ type: 'ok' });
    expect(checkRemoveVoter(view({ voters, active: [4, 5] }), 5)).toEqual({
      type: 'refused',
      error: 'unhealthy',
    });
  });
});

describe('checkAdd()', () => {
  test('checkAdd() allows a voter when a quorum of the grown cluster is started and connected', () => {
    expect(checkAdd(view({}), { isLearner: false })).toEqual({ type: 'ok' });
  });

  test('checkAdd() refuses a voter when too few members are started', () => {
    expect(checkAdd(view({ started: [1, 2] }), { isLearner: false })).toEqual({
      type: 'refused',
      error: 'memberNotEnoughStarted',
    });
  });

  test('checkAdd() refuses any member when too few voters are connected (unhealthy cluster)', () => {
    expect(checkAdd(view({ active: [2] }), { isLearner: false })).toEqual({
      type: 'refused',
      error: 'unhealthy',
    });
    expect(checkAdd(view({ active: [2] }), { isLearner: true })).toEqual({
      type: 'refused',
      error: 'unhealthy',
    });
  });

  test('checkAdd() of a learner skips the started layer', () => {
    expect(checkAdd(view({ voters: [1, 2, 3], started: [1] }), { isLearner: true })).toEqual({ type: 'ok' });
    expect(checkAdd(view({ voters: [1, 2, 3], started: [1] }), { isLearner: false })).toEqual({
      type: 'refused',
      error: 'memberNotEnoughStarted',
    });
  });

  test('checkAdd() lets a started one-member cluster grow to two, as etcd does for restoring from one member', () => {
    expect(checkAdd(view({ voters: [1] }), { isLearner: false })).toEqual({ type: 'ok' });
    expect(checkAdd(view({ voters: [1], started: [] }), { isLearner: false })).toEqual({
      type: 'refused',
      error: 'memberNotEnoughStarted',
    });
  });
});
