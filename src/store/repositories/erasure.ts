/**
 * Erasing a contact's personal data (engine/contact-rights.ts stops its sessions first): every row
 * stays, so counts and analytics do not change, but what identifies or was sent to the person is
 * overwritten:
 * - the contact: identity, name, language, timezone and attributes;
 * - its events' payloads, its appointments' customer link, line items and extra properties;
 * - its sessions' deliveries (request and response bodies) and emails in the outbox (recipient,
 *   subject, bodies, headers), and any outbox email sent to its address;
 * - the text of its sessions' timelines, end reasons and deliveries' errors, and a session key,
 *   where they hold one of the contact's values;
 * - the raw bodies of inbound source deliveries that became its events or hold its email, phone or
 *   external id.
 * A row in `contact_erasures` records that it happened (and how many rows changed, nothing else).
 */
import { sql, type Kysely } from 'kysely';
import type { ContactRow, Database } from '../schema.js';
import { decodeJson, encodeJson } from './json.js';

export const ERASED = '[erased]';
const ERASED_JSON = encodeJson({ erased: true });

export type ErasureCounts = Record<'contacts' | 'events' | 'appointments' | 'sessions' | 'session_logs' | 'deliveries' | 'outbox' | 'source_deliveries', number>;

export interface ErasureRecord {
  erased_at: number;
  counts: ErasureCounts;
}

export async function findErasure(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<ErasureRecord | null> {
  const row = await db.selectFrom('contact_erasures').selectAll().where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId).executeTakeFirst();
  return row ? { erased_at: Number(row.erased_at), counts: decodeJson<ErasureCounts>(row.counts_json, {} as ErasureCounts) } : null;
}

/**
 * The contact's values as they may appear in text: each as stored, a phone number also as its
 * digits alone. Values shorter than 3 characters are left out (a first name "Al" would blank every
 * "Already" of a timeline).
 */
export function personalValues(contact: ContactRow): string[] {
  const values = [contact.email, contact.phone, contact.phone?.replace(/\D/g, ''), contact.name, contact.first_name, contact.last_name, contact.external_id];
  const out = values.filter((v): v is string => typeof v === 'string' && v.trim().length >= 3).map((v) => v.trim());
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces each of `values` (case-insensitive) in strings, also inside JSON values. */
export function makeRedactor(values: readonly string[]): { text(s: string): string; json(v: unknown): unknown } {
  const pattern = values.length > 0 ? new RegExp(values.map(escapeRegExp).join('|'), 'gi') : null;
  const text = (s: string) => (pattern ? s.replace(pattern, ERASED) : s);
  const json = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(json);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [text(k), json(x)]));
    return v;
  };
  return { text, json };
}

/** The contact's sessions' ids (any status). */
export async function contactSessionIds(db: Kysely<Database>, workspaceId: string, contactId: string): Promise<string[]> {
  const rows = await db.selectFrom('sessions').select('id').where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Overwrites the contact's personal data everywhere (see the file comment) in the caller's
 * transaction and records the erasure. Sessions must have been ended already.
 */
export async function eraseContactData(db: Kysely<Database>, contact: ContactRow, now: number): Promise<ErasureCounts> {
  const ws = contact.workspace_id;
  const redact = makeRedactor(personalValues(contact));
  const sessionIds = await contactSessionIds(db, ws, contact.id);
  const counts: ErasureCounts = { contacts: 1, events: 0, appointments: 0, sessions: 0, session_logs: 0, deliveries: 0, outbox: 0, source_deliveries: 0 };

  await db
    .updateTable('contacts')
    .set({ external_id: null, email: null, phone: null, name: null, first_name: null, last_name: null, language: null, timezone: null, attributes_json: '{}', updated_at: now })
    .where('id', '=', contact.id)
    .execute();
  const events = await db.selectFrom('events').select('id').where('workspace_id', '=', ws).where('contact_id', '=', contact.id).execute();
  const eventIds = events.map((e) => e.id);
  for (const ids of chunks(eventIds)) await db.updateTable('events').set({ payload_json: ERASED_JSON }).where('id', 'in', ids).execute();
  counts.events = eventIds.length;
  const appointments = await db
    .updateTable('appointments')
    .set({ customer_management_link: null, line_item_properties_json: null, extra_json: '{}', updated_at: now })
    .where('workspace_id', '=', ws)
    .where('contact_id', '=', contact.id)
    .executeTakeFirst();
  counts.appointments = Number(appointments.numUpdatedRows);

  for (const ids of chunks(sessionIds)) {
    counts.sessions += await redactSessions(db, ids, redact);
    counts.session_logs += await redactSessionLogs(db, ids, redact);
    counts.deliveries += await redactDeliveries(db, ids, redact);
  }
  counts.outbox = await eraseOutbox(db, ws, sessionIds, contact.email);
  counts.source_deliveries = await eraseSourceBodies(db, ws, eventIds, [contact.email, contact.phone, contact.external_id], redact);
  await db.insertInto('contact_erasures').values({ contact_id: contact.id, workspace_id: ws, erased_at: now, counts_json: encodeJson(counts) }).execute();
  return counts;
}

type Redactor = ReturnType<typeof makeRedactor>;

async function redactSessions(db: Kysely<Database>, ids: string[], redact: Redactor): Promise<number> {
  const rows = await db.selectFrom('sessions').select(['id', 'key', 'end_reason']).where('id', 'in', ids).execute();
  let changed = 0;
  for (const row of rows) {
    // A key made from the contact's values (a `session.key` template) becomes unique and blank.
    const key = redact.text(row.key) === row.key ? row.key : `erased:${row.id}`;
    // A failed session's reason can quote a receiver's answer.
    const reason = row.end_reason === null ? null : redact.text(row.end_reason);
    if (key === row.key && reason === row.end_reason) continue;
    await db.updateTable('sessions').set({ key, end_reason: reason }).where('id', '=', row.id).execute();
    changed++;
  }
  return changed;
}

async function redactSessionLogs(db: Kysely<Database>, sessionIds: string[], redact: Redactor): Promise<number> {
  const rows = await db.selectFrom('session_logs').select(['id', 'message', 'data_json']).where('session_id', 'in', sessionIds).execute();
  let changed = 0;
  for (const row of rows) {
    const message = redact.text(row.message);
    const data = row.data_json === null ? null : encodeJson(redact.json(decodeJson(row.data_json, null)));
    if (message === row.message && data === row.data_json) continue;
    await db.updateTable('session_logs').set({ message, data_json: data }).where('id', '=', row.id).execute();
    changed++;
  }
  return changed;
}

async function redactDeliveries(db: Kysely<Database>, sessionIds: string[], redact: Redactor): Promise<number> {
  const rows = await db.selectFrom('deliveries').select(['id', 'response_json', 'error']).where('session_id', 'in', sessionIds).execute();
  for (const row of rows) {
    await db
      .updateTable('deliveries')
      .set({ request_json: ERASED_JSON, response_json: row.response_json === null ? null : ERASED_JSON, error: row.error === null ? null : redact.text(row.error) })
      .where('id', '=', row.id)
      .execute();
  }
  return rows.length;
}

const ERASED_OUTBOX = { to_address: ERASED, subject: ERASED, html: null, text: null, headers_json: '{}' };

/**
 * Blanks what was written for erased contacts after their erasure: a send under way when the
 * erasure committed still records its delivery (and an email its outbox row) when it finishes,
 * though its session's commit is refused; an event accepted at the same moment may reach the
 * contact. Looks at erasures since `since` (epoch ms); returns the
 * rows blanked. The retention cleanup runs it on every pass.
 */
export async function eraseLateWrites(db: Kysely<Database>, since: number): Promise<number> {
  const erasures = await db.selectFrom('contact_erasures').select(['contact_id', 'workspace_id']).where('erased_at', '>=', since).execute();
  let total = 0;
  for (const e of erasures) {
    // An event accepted while the erasure committed (PostgreSQL runs them side by side) may have
    // found the contact by its email just before, and written to it after.
    const contact = await db
      .updateTable('contacts')
      .set({ external_id: null, email: null, phone: null, name: null, first_name: null, last_name: null, language: null, timezone: null, attributes_json: '{}' })
      .where('id', '=', e.contact_id)
      .where((eb) => eb.or([eb('external_id', 'is not', null), eb('email', 'is not', null), eb('phone', 'is not', null), eb('name', 'is not', null), eb('first_name', 'is not', null), eb('last_name', 'is not', null), eb('attributes_json', '!=', '{}')]))
      .executeTakeFirst();
    const events = await db.updateTable('events').set({ payload_json: ERASED_JSON }).where('workspace_id', '=', e.workspace_id).where('contact_id', '=', e.contact_id).where('payload_json', '!=', ERASED_JSON).executeTakeFirst();
    total += Number(contact.numUpdatedRows) + Number(events.numUpdatedRows);
    for (const ids of chunks(await contactSessionIds(db, e.workspace_id, e.contact_id))) {
      const deliveries = await db
        .updateTable('deliveries')
        .set({
          request_json: ERASED_JSON,
          response_json: sql<string | null>`case when response_json is null then null else ${ERASED_JSON} end`,
          error: sql<string | null>`case when error is null then null else ${ERASED} end`,
        })
        .where('session_id', 'in', ids)
        .where('request_json', '!=', ERASED_JSON)
        .executeTakeFirst();
      const outbox = await db.updateTable('outbox').set(ERASED_OUTBOX).where('workspace_id', '=', e.workspace_id).where('session_id', 'in', ids).where('to_address', '!=', ERASED).executeTakeFirst();
      total += Number(deliveries.numUpdatedRows) + Number(outbox.numUpdatedRows);
    }
  }
  return total;
}

async function eraseOutbox(db: Kysely<Database>, workspaceId: string, sessionIds: string[], email: string | null): Promise<number> {
  const erased = ERASED_OUTBOX;
  let total = 0;
  for (const ids of chunks(sessionIds)) {
    const r = await db.updateTable('outbox').set(erased).where('workspace_id', '=', workspaceId).where('session_id', 'in', ids).executeTakeFirst();
    total += Number(r.numUpdatedRows);
  }
  if (email) {
    // Emails to the address outside its sessions (a flow's test send to it).
    const r = await db
      .updateTable('outbox')
      .set(erased)
      .where('workspace_id', '=', workspaceId)
      .where(sql<boolean>`lower(to_address) = ${email.toLowerCase()}`)
      .executeTakeFirst();
    total += Number(r.numUpdatedRows);
  }
  return total;
}

function likePattern(value: string): string {
  return `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Source deliveries that became one of `eventIds`, or whose body holds one of `values`: body dropped. */
async function eraseSourceBodies(db: Kysely<Database>, workspaceId: string, eventIds: string[], values: ReadonlyArray<string | null>, redact: Redactor): Promise<number> {
  const patterns = [...values.filter((v): v is string => !!v && v.length >= 3).map((v) => ({ column: 'body', like: likePattern(v) })), ...eventIds.map((id) => ({ column: 'event_ids_json', like: likePattern(`"${id}"`) }))];
  const ids = new Set<string>();
  for (const group of chunks(patterns, 100)) {
    const rows = await db
      .selectFrom('source_deliveries')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where((eb) => eb.or(group.map((p) => sql<boolean>`lower(${sql.ref(p.column)}) like ${p.like} escape '\\'`)))
      .execute();
    for (const r of rows) ids.add(r.id);
  }
  for (const chunk of chunks([...ids])) {
    const rows = await db.selectFrom('source_deliveries').select(['id', 'reason']).where('id', 'in', chunk).execute();
    for (const row of rows) {
      await db
        .updateTable('source_deliveries')
        .set({ body: null, reason: row.reason === null ? null : redact.text(row.reason) })
        .where('id', '=', row.id)
        .execute();
    }
  }
  return ids.size;
}
