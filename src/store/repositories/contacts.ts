import type { Kysely } from 'kysely';
import { ConflictError } from '../../core/errors.js';
import type { ContactRow, Database } from '../schema.js';
import { contactSearchCondition } from './contact-search.js';
import { newId } from './ids.js';
import { decodeJson, encodeJson } from './json.js';
import type { Work } from '../unit-of-work.js';
import { CONTACT_KEYS } from './read-ahead.js';

export interface ContactFields {
  external_id?: string;
  email?: string;
  phone?: string;
  name?: string;
  first_name?: string;
  last_name?: string;
  language?: string;
  timezone?: string;
  attributes?: Record<string, unknown>;
}

/** A contact as the API and templates show it. */
export interface ContactView {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  language: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function contactView(row: ContactRow): ContactView {
  return {
    id: row.id,
    external_id: row.external_id,
    email: row.email,
    phone: row.phone,
    name: row.name,
    first_name: row.first_name,
    last_name: row.last_name,
    language: row.language,
    timezone: row.timezone,
    attributes: decodeJson<Record<string, unknown>>(row.attributes_json, {}),
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

/**
 * Finds the contact by external id, then email, then phone, and applies the given fields;
 * creates it when none matches (at commit, when the unit of work queues). Attributes merge (a
 * null value removes a key).
 */
export async function upsertContact(
  work: Work,
  workspaceId: string,
  fields: ContactFields,
  now: number,
): Promise<ContactRow> {
  const existing = await findContactByIdentity(work, workspaceId, fields);
  if (!existing) {
    const row: ContactRow = {
      id: newId('ct'),
      workspace_id: workspaceId,
      external_id: fields.external_id ?? null,
      email: fields.email ?? null,
      phone: fields.phone ?? null,
      name: fields.name ?? null,
      first_name: fields.first_name ?? null,
      last_name: fields.last_name ?? null,
      language: fields.language ?? null,
      timezone: fields.timezone ?? null,
      attributes_json: encodeJson(mergeAttributes({}, fields.attributes)),
      created_at: now,
      updated_at: now,
    };
    // A new contact's id is unknown outside this transaction: with write-behind, it is written at commit.
    if (work.pending) work.pending.queueNew('contacts', row);
    else await work.db.insertInto('contacts').values(row).execute();
    work.known?.rememberContact(row);
    return row;
  }
  return applyContactFields(work, existing, fields, now);
}

/**
 * Writes the fields that are present and differ; returns the row as stored. An identity taken by
 * another contact is a conflict (looked up in what the unit read ahead, else in the table).
 */
export async function applyContactFields(
  work: Work,
  existing: ContactRow,
  fields: ContactFields,
  now: number,
): Promise<ContactRow> {
  const patch: Partial<ContactRow> = {};
  for (const key of ['external_id', 'email', 'phone', 'name', 'first_name', 'last_name', 'language', 'timezone'] as const) {
    const value = fields[key];
    if (value !== undefined && value !== existing[key]) patch[key] = value;
  }
  if (fields.attributes) {
    const merged = encodeJson(mergeAttributes(decodeJson(existing.attributes_json, {}), fields.attributes));
    if (merged !== existing.attributes_json) patch.attributes_json = merged;
  }
  if (Object.keys(patch).length === 0) return existing;
  const { db, pending } = work;
  for (const key of CONTACT_KEYS) {
    const value = patch[key];
    if (!value) continue;
    const known = work.known?.contact(existing.workspace_id, key, value);
    const holder =
      known !== undefined
        ? known !== null && known.id !== existing.id
          ? known
          : undefined
        : await db
            .selectFrom('contacts')
            .select('id')
            .where('workspace_id', '=', existing.workspace_id)
            .where(key, '=', value)
            .where('id', '!=', existing.id)
            .executeTakeFirst();
    if (holder) {
      throw new ConflictError(
        'contact_conflict',
        `${key} ${value} belongs to another contact (${holder.id}); a contact's ${key} must be unique in a workspace`,
        `contact.${key}`,
      );
    }
  }
  patch.updated_at = now;
  const row = { ...existing, ...patch };
  // Created earlier in this transaction and not yet written: change the queued row instead.
  if (pending?.row('contacts', existing.id)) pending.queueNew('contacts', row);
  else await db.updateTable('contacts').set(patch).where('id', '=', existing.id).execute();
  work.known?.rememberContact(row, existing);
  return row;
}

function mergeAttributes(
  current: Record<string, unknown>,
  update: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** The contact holding the first identity given (external id, email, phone): from what the unit read ahead, else the table. */
export async function findContactByIdentity(
  work: Work,
  workspaceId: string,
  identity: Pick<ContactFields, 'external_id' | 'email' | 'phone'>,
): Promise<ContactRow | undefined> {
  for (const key of CONTACT_KEYS) {
    const value = identity[key];
    if (!value) continue;
    const known = work.known?.contact(workspaceId, key, value);
    if (known !== undefined) {
      if (known) return known;
      continue;
    }
    const row = await work.db
      .selectFrom('contacts')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where(key, '=', value)
      .executeTakeFirst();
    if (row) return row;
  }
  return undefined;
}

/** The contact with this id: queued by the unit of work and not yet written, or from the table. */
export async function getContactById(work: Work, id: string): Promise<ContactRow | undefined> {
  const pending = work.pending?.row('contacts', id);
  if (pending) return pending;
  return work.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface ListOptions {
  limit: number;
  /** Id of the last row of the previous page (rows come newest first). */
  cursor?: string | undefined;
}

export async function listContacts(
  db: Kysely<Database>,
  workspaceId: string,
  options: ListOptions & { email?: string | undefined; external_id?: string | undefined; q?: string | undefined },
): Promise<ContactRow[]> {
  let q = db.selectFrom('contacts').selectAll().where('workspace_id', '=', workspaceId);
  if (options.q) q = q.where(contactSearchCondition(db, options.q));
  if (options.email) q = q.where('email', '=', options.email);
  if (options.external_id) q = q.where('external_id', '=', options.external_id);
  if (options.cursor) q = q.where('id', '<', options.cursor);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}
