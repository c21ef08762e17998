import { monotonicFactory } from 'ulidx';

const ulid = monotonicFactory();

/** Id prefixes by entity, so an id in a log tells what it names. */
export type IdPrefix = 'ws' | 'key' | 'ct' | 'ev' | 'ap' | 'fl' | 'ss' | 'sl' | 'dl' | 'ob' | 'tm';

/** A new time-ordered id such as `ss_01JD2…`: sorting ids sorts by creation. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
