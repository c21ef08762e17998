/**
 * Type parsing for the store's own connections: `bigint` (int8) columns, where every time lives,
 * and `count(*)` come back as JS numbers instead of pg's default strings.
 *
 * Passed as the pool's `types` option rather than set with `pg.types.setTypeParser`, which would
 * change every pg client in the process (a host application's included).
 */
import pg from 'pg';

const INT8_OID = 20;

function parseInt8(value: string): number {
  const parsed = Number(value);
  // Epoch milliseconds stay far below 2^53 (year 287396); anything beyond is a bug, not a time.
  if (!Number.isSafeInteger(parsed)) throw new RangeError(`int8 value ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return parsed;
}

/** The `types` option for pg Pool / Client configs. Other types keep pg's defaults (numeric stays a string). */
export const storeTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};
