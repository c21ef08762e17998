import { createHash, randomFillSync } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulidx';

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
export type IdPrefix = 'ws' | 'key' | 'ct' | 'ev' | 'ap' | 'fl' | 'ss' | 'sl' | 'dl' | 'ob' | 'tm' | 'sk' | 'us' | 'iv' | 'au' | 'so' | 'sd';

/** A new time-ordered id such as `ss_01JD2…`: sorting ids sorts by creation. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * An id made from what it names instead of drawn at random: time-ordered at `at`, its other 16
 * characters taken from a SHA-256 of `seed`. The same firing of a trigger gets the same session id
 * whoever runs it, so a run repeated after a crash sends with the same idempotency key.
 */
export function derivedId(prefix: IdPrefix, at: number, seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  let random = '';
  for (let i = 0; i < 16; i++) random += CROCKFORD[digest[i]! & 31];
  return `${prefix}_${encodeTime(Math.max(0, Math.floor(at)), 10).toLowerCase()}${random}`;
}
