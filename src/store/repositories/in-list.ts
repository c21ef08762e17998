/**
 * Distinct values for an `in (…)` list, padded (by repeating one) to a power of two: a list of
 * every length would be a different statement to prepare and cache (PostgreSQL's named
 * statements, SQLite's statement cache); this keeps it to a few shapes.
 */
export function paddedInList<T extends string | number>(values: Iterable<T | null | undefined>): T[] {
  return padToPowerOfTwo([...new Set([...values].filter((v): v is T => v !== null && v !== undefined))]);
}

/** `items` (not copied) padded to a power of two length by repeating the first; empty stays empty. */
export function padToPowerOfTwo<T>(items: T[]): T[] {
  if (items.length === 0) return items;
  let size = 1;
  while (size < items.length) size *= 2;
  while (items.length < size) items.push(items[0]!);
  return items;
}
