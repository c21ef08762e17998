/** Failed sign-ins by hashed key (engine/accounts/sign-in-limiter.ts owns the rule). */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Times of the failures of each key after `since`, oldest first (keys without any are absent). */
export async function failuresSince(db: Kysely<Database>, keys: readonly string[], since: number): Promise<Map<string, number[]>> {
  const rows = await db.selectFrom('sign_in_failures').select(['key', 'at']).where('key', 'in', [...keys]).where('at', '>', since).orderBy('at').execute();
  const byKey = new Map<string, number[]>();
  for (const row of rows) {
    const list = byKey.get(row.key);
    if (list) list.push(Number(row.at));
    else byKey.set(row.key, [Number(row.at)]);
  }
  return byKey;
}

/** Records a failure under each key, and deletes every failure at or before `expiredBefore`. */
export async function addFailure(db: Kysely<Database>, keys: readonly string[], at: number, expiredBefore: number): Promise<void> {
  await db.insertInto('sign_in_failures').values(keys.map((key) => ({ key, at }))).execute();
  await db.deleteFrom('sign_in_failures').where('at', '<=', expiredBefore).execute();
}

export async function clearFailures(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
}
