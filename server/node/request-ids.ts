// Ids for the requests a node proposes. An id must not repeat across the cluster while
// its entry can still be applied, or one client would get another's answer: the high
// bits carry the member (low 12 bits of its id), the low 40 bits a counter that starts
// at a random point on every (re)start, so a restarted node does not reuse the ids of
// entries it proposed before the crash.

import type { Random } from '../ports/random.js';

const COUNTER_BITS = 2 ** 40;
const MEMBER_SLOTS = 2 ** 12;

export class RequestIds {
  private counter: number;
  private readonly prefix: number;

  constructor(memberId: number, random: Random) {
    this.prefix = (memberId % MEMBER_SLOTS) * COUNTER_BITS;
    this.counter = random.intBelow(2 ** 32) * 256;
  }

  next(): number {
    this.counter = (this.counter + 1) % COUNTER_BITS;
    return this.prefix + this.counter;
  }
}
