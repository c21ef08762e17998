/**
 * All contacts of a workspace as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line
 * break quoted, quotes doubled), produced page by page so that a large workspace streams in
 * constant memory.
 *
 * - The file starts with a UTF-8 byte order mark: without it Excel reads UTF-8 as the system's
 *   legacy code page and shows names in Chinese (or Zoë) as mojibake; other readers skip it.
 * - A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`
 *   (OWASP's advice against formula injection), so a spreadsheet shows it as text instead of
 *   running it. Phone numbers in E.164 form (`+4179…`) therefore read `'+4179…`.
 */
import type { Kysely } from 'kysely';
import { contactView, type ContactView } from '../store/repositories/contacts.js';
import type { Database } from '../store/schema.js';

export const CONTACT_CSV_COLUMNS = ['id', 'external_id', 'email', 'phone', 'name', 'first_name', 'last_name', 'language', 'timezone', 'attributes', 'created_at', 'updated_at'] as const;

const BOM = '\uFEFF';
const PAGE = 500;

/** One CSV field: guarded against formula injection, then quoted when it needs to be. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(view: ContactView): string {
  return CONTACT_CSV_COLUMNS.map((column) => csvCell(view[column])).join(',') + '\r\n';
}

/** The CSV in pieces: the header, then a page of contacts at a time (oldest first), each read by its own statement. */
export async function* contactsCsv(db: Kysely<Database>, workspaceId: string): AsyncGenerator<string> {
  yield BOM + CONTACT_CSV_COLUMNS.join(',') + '\r\n';
  let after: string | null = null;
  for (;;) {
    let q = db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId);
    if (after !== null) q = q.where('id', '>', after);
    const rows = await q.orderBy('id').limit(PAGE).execute();
    if (rows.length === 0) return;
    yield rows.map((r) => csvRow(contactView(r))).join('');
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1]!.id;
  }
}
