/**
 * Distinct values for an `in (…)` list, padded (by repeating one) to a power of two: a list of
 * every length would be a different statement to prepare and cache (PostgreSQL's named
 * statements, SQLite's statement cache); this keeps it to a few shapes.
 */
export function paddedInList<T extends string | number>(values: Iterable<T | null | undefined>): T[] {
  const distinct = [...new Set([...values].filter((v): v is T => v !== null && v !== undefined))];
  if (distinct.length === 0) return distinct;
  let size = 1;
  while (size < distinct.length) size *= 2;
  while (distinct.length < size) distinct.push(distinct[0]!);
  return distinct;
}
