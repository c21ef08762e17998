/**
 * The contact search of `GET /v1/contacts?q=` (and of appointments by their contact): a
 * case-insensitive prefix of the email or the name, the phone number compared digits only, or the
 * booking system's id (exact, over its unique index).
 * Each branch is a range over one index of migration 009 (`009-list-search.ts` per dialect), so a
 * search reads the matching index entries of one workspace instead of the table:
 * - SQLite: `email LIKE 'ad%'` on an index `(workspace_id, email COLLATE NOCASE)` is SQLite's LIKE
 *   optimisation (LIKE is case-insensitive for ASCII letters; the index must then be NOCASE). It
 *   applies only to a plain column, so the phone's digits are compared as a range on an expression
 *   index instead.
 * - PostgreSQL: `lower(email) LIKE lower('ad%')` on an index `(workspace_id, lower(email)
 *   text_pattern_ops)`; the pattern must be known when the statement is planned, so these
 *   statements are sent unnamed (postgres/statement-cache.ts).
 * A search's `%`, `_` and `\` are escaped: they match themselves.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { sqlCapabilities } from '../sql-capabilities.js';

/**
 * A phone number's digits, in the SQL of both dialects: stored numbers passed `contactInputSchema`,
 * so they hold only digits and these five separators and the plus sign. Must stay the exact text
 * of the expression indexed by migration 009, or the index is not used.
 */
const PHONE_DIGITS = sql.raw(`replace(replace(replace(replace(replace(replace(phone, '+', ''), ' ', ''), '(', ''), ')', ''), '.', ''), '-', '')`);

/** Characters a typed phone number may hold; a search made only of these (and a digit) also looks at phones. */
const PHONE_LIKE = /^[0-9 +().-]*[0-9][0-9 +().-]*$/;

/** `text` as a LIKE pattern that matches values starting with it, `\` being the escape character. */
export function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * The condition on the `contacts` table (columns unqualified) that a search `q` makes; `q` is
 * trimmed by the caller and not empty.
 */
export function contactSearchCondition(db: Kysely<any>, q: string): Expression<SqlBool> {
  const pattern = likePrefix(q);
  const { caseSensitiveLike, likePrefixOnExpressions } = sqlCapabilities(db);
  const text = (column: 'email' | 'name') =>
    caseSensitiveLike ? sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'` : sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
  const branches = [text('email'), text('name'), sql<SqlBool>`external_id = ${q}`];
  if (PHONE_LIKE.test(q)) {
    const digits = q.replace(/[^0-9]/g, '');
    // Digits sort before ':', so [digits, digits + ':') holds exactly the digit strings starting with digits.
    branches.push(likePrefixOnExpressions ? sql<SqlBool>`${PHONE_DIGITS} like ${`${digits}%`}` : sql<SqlBool>`${PHONE_DIGITS} >= ${digits} and ${PHONE_DIGITS} < ${`${digits}:`}`);
  }
  return sql<SqlBool>`(${sql.join(branches, sql` or `)})`;
}
