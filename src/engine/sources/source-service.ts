/**
 * Creating, rotating and deleting sources. A source's URL token is 32 random bytes: requests find
 * their source by the token's SHA-256 (so no database comparison ever sees the token), and the
 * token itself is kept encrypted with the workspace-secret key so settings can show the URL again.
 * The signing secret is kept encrypted the same way and shown only when created or rotated.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { zodIssues } from '../../core/zod-issues.js';
import { SOURCE_KINDS, vendorOf } from '../../sources/registry.js';
import type { Database } from '../../store/schema.js';
import type { SourceRow } from '../../store/source-tables.js';
import { newId } from '../../store/repositories/ids.js';
import { decodeJson, encodeJson } from '../../store/repositories/json.js';
import { getSource, insertSource, updateSourceFields } from '../../store/repositories/sources.js';
import type { SecretBox } from '../secrets.js';

export const newSourceSchema = z.strictObject({
  kind: z.enum(SOURCE_KINDS),
  name: z.string().trim().min(1).max(100),
  /** The generic source's `verification` and `mapping`; nothing for the others. */
  config: z.record(z.string(), z.unknown()).default({}),
});

export const rotateSourceSchema = z.strictObject({
  /** Also give the source a new URL (the old one stops working at once). Default false: only the secret changes. */
  url: z.boolean().default(false),
});

/** A source with its URL token and secret in the clear, as create and rotate return them once. */
export interface RevealedSource {
  row: SourceRow;
  token: string;
  secret: string;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The source's settings checked by its vendor's schema; issues at `config.…`. */
export function parseSourceConfig(kind: string, config: unknown): unknown {
  const parsed = vendorOf(kind).configSchema.safeParse(config);
  if (!parsed.success) throw new ValidationError('invalid_source', zodIssues(parsed.error, ['config']));
  return parsed.data;
}

export function sourceConfig(row: SourceRow): unknown {
  return vendorOf(row.kind).configSchema.parse(decodeJson(row.config_json, {}));
}

export async function createSource(db: Kysely<Database>, box: SecretBox, workspaceId: string, input: unknown, now: number): Promise<RevealedSource> {
  const parsed = newSourceSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid_source', zodIssues(parsed.error));
  const { kind, name } = parsed.data;
  const config = parseSourceConfig(kind, parsed.data.config);
  const token = newToken();
  const secret = vendorOf(kind).newSecret(config);
  const row: SourceRow = {
    id: newId('so'),
    workspace_id: workspaceId,
    kind,
    name,
    token_hash: hashToken(token),
    token_ciphertext: box.encrypt(token),
    secret_ciphertext: box.encrypt(secret),
    config_json: encodeJson(config),
    created_at: now,
    rotated_at: null,
  };
  await insertSource(db, row);
  return { row, token, secret };
}

/** A new signing secret, and with `url: true` a new URL token too. */
export async function rotateSource(
  db: Kysely<Database>,
  box: SecretBox,
  workspaceId: string,
  id: string,
  input: unknown,
  now: number,
): Promise<RevealedSource> {
  const parsed = rotateSourceSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ValidationError('invalid_request', zodIssues(parsed.error));
  const row = await getSource(db, workspaceId, id);
  const secret = vendorOf(row.kind).newSecret(sourceConfig(row));
  const token = parsed.data.url ? newToken() : box.decrypt(row.token_ciphertext);
  const changes = {
    secret_ciphertext: box.encrypt(secret),
    rotated_at: now,
    ...(parsed.data.url ? { token_hash: hashToken(token), token_ciphertext: box.encrypt(token) } : {}),
  };
  await updateSourceFields(db, row.id, changes);
  return { row: { ...row, ...changes }, token, secret };
}

export const sourceChangesSchema = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});

/** Renames a source or replaces its settings (checked as on create); its URL and secret stay. */
export async function updateSource(db: Kysely<Database>, workspaceId: string, id: string, input: unknown): Promise<SourceRow> {
  const parsed = sourceChangesSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid_source', zodIssues(parsed.error));
  const row = await getSource(db, workspaceId, id);
  const changes = {
    ...(parsed.data.name === undefined ? {} : { name: parsed.data.name }),
    ...(parsed.data.config === undefined ? {} : { config_json: encodeJson(parseSourceConfig(row.kind, parsed.data.config)) }),
  };
  if (Object.keys(changes).length > 0) await updateSourceFields(db, row.id, changes);
  return { ...row, ...changes };
}
