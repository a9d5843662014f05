// The conf change codec: every change survives a round trip; garbage is rejected.

import { fc, test as propertyTest } from '@fast-check/vitest';
import { describe, expect, test } from 'vitest';
import { ConfChangeDecodeError, decodeConfChange, encodeConfChange } from './conf-change.js';
import type { ConfChange } from './types.js';

const changeArbitrary: fc.Arbitrary<ConfChange> = fc
  .record({
    type: fc.constantFrom('addVoter' as const, 'addLearner' as const, 'removeNode' as const),
    nodeId: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    context: fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: undefined }),
  })
  .map(({ type, nodeId, context }) => (context === undefined ? { type, nodeId } : { type, nodeId, context }));

describe('conf change codec', () => {
  propertyTest.prop([changeArbitrary], { numRuns: 200, seed: 3 })(
    'decodeConfChange(encodeConfChange(c)) returns c',
    (change) => {
      expect(decodeConfChange(encodeConfChange(change))).toEqual(change);
    },
  );

  test('decodeConfChange() rejects short input, unknown types and node id 0', () => {
    expect(() => decodeConfChange(new Uint8Array(3))).toThrow(ConfChangeDecodeError);
    expect(() => decodeConfChange(new Uint8Array([9, 0, 0, 0, 0, 0, 0, 0, 1]))).toThrow(
      'unknown conf change type',
    );
    expect(() => decodeConfChange(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 0]))).toThrow('invalid node id');
  });
});
