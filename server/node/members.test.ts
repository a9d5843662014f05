import { describe, expect, test } from 'vitest';
import { Members } from './members.js';

const m1 = {
  id: 1,
  name: 'm1',
  peerUrls: ['http://127.0.0.1:1'],
  clientUrls: ['http://127.0.0.1:2'],
  isLearner: false,
};

describe('Members', () => {
  test('applyConfChange() promotion keeps the name a member published after the change was proposed', () => {
    const members = new Members([m1]);
    const added = { id: 4, name: '', peerUrls: ['http://127.0.0.1:4'], clientUrls: [], isLearner: true };
    members.applyConfChange({ type: 'addLearner', nodeId: 4 }, added);
    const staleContext = members.get(4)!;
    members.publish({ ...added, name: 'm4', clientUrls: ['http://127.0.0.1:5'] });
    members.applyConfChange({ type: 'addVoter', nodeId: 4 }, { ...staleContext, isLearner: false });
    expect(members.get(4)).toEqual({
      ...added,
      name: 'm4',
      clientUrls: ['http://127.0.0.1:5'],
      isLearner: false,
    });
  });

  test('encode() and restore() keep the table, removals included', () => {
    const members = new Members([m1, { ...m1, id: 2, name: 'm2' }]);
    members.applyConfChange({ type: 'removeNode', nodeId: 2 }, undefined);
    const copy = new Members([]);
    copy.restore(members.encode());
    expect(copy.list()).toEqual([m1]);
  });
});
