import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulidx';

/**
 * ulidx draws its randomness one byte per `getRandomValues` call (16 calls per id), which made id
 * generation ~5% of a worker's CPU in the drain benchmark. This hands it bytes from a pooled
 * buffer refilled by the same CSPRNG, 4 KiB at a time. A byte / 256 is in [0, 1) and ulidx takes
 * `floor(x * 32)`, i.e. the byte's top five bits: uniform.
 */
const pool = new Uint8Array(4096);
let next = pool.length;
function pooledRandom(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++]! / 256;
}

const ulid = monotonicFactory(pooledRandom);

/** Id prefixes by entity, so an id in a log tells what it names. */
export type IdPrefix = 'ws' | 'key' | 'ct' | 'ev' | 'ap' | 'fl' | 'ss' | 'sl' | 'dl' | 'ob' | 'tm';

/** A new time-ordered id such as `ss_01JD2…`: sorting ids sorts by creation. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
