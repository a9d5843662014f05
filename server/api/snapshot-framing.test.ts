// The snapshot framing round-trips any payload and always has the length etcdctl checks.

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { EtcdError } from './errors.js';
import { frameSnapshot, unframeSnapshot } from './snapshot-framing.js';

const runs = Number(process.env.API_PROPERTY_RUNS ?? 200);

describe('snapshot framing', () => {
  test.prop([fc.uint8Array({ maxLength: 3000 })], { seed: 512, numRuns: runs })(
    'frameSnapshot() output is 32 bytes past a 512 boundary and unframeSnapshot() returns the payload',
    (payload) => {
      const framed = frameSnapshot(payload);
      expect(framed.length % 512).toBe(32);
      expect(unframeSnapshot(framed)).toEqual(payload);
    },
  );

  test.prop([fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.nat()], { seed: 513, numRuns: runs })(
    'unframeSnapshot() rejects any single flipped byte',
    (payload, position) => {
      const framed = frameSnapshot(payload);
      const index = position % framed.length;
      framed[index] = (framed[index] ?? 0) ^ 0xff;
      expect(() => unframeSnapshot(framed)).toThrow(EtcdError);
    },
  );
});
