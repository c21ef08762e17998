/**
 * Creating, rotating and deleting sources. A source's URL token is 32 random bytes: requests find
 * their source by the token's SHA-256 (so no database comparison ever sees the token), and the
 * token itself is kept encrypted with the workspace-secret key so settings can show the URL again.
 * The signing secret is kept encrypted the same way and shown only when created or rotated. For
 * vendors that issue the secret themselves (Shopify, Acuity, Square), the person pastes the
 * vendor's credentials instead; they are stored encrypted and never shown again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { zodIssues } from '../../core/zod-issues.js';
import { issueAt } from '../../core/issue-codes.js';
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
  /** The generic source's `verification` and `mapping`, Shopify's line item property names; nothing for the others. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** The vendor-issued secrets of Shopify (`secret`), Acuity (`user_id`, `api_key`) and Square (`signature_key`). */
  credentials: z.record(z.string(), z.unknown()).optional(),
});

export const rotateSourceSchema = z.strictObject({
  /** Also give the source a new URL (the old one stops working at once). Default false: only the secret changes. */
  url: z.boolean().default(false),
  /** For vendors that issue the secret: the new credentials, after rotating them in the vendor's dashboard. */
  credentials: z.record(z.string(), z.unknown()).optional(),
});

/** A source with its URL token and secret in the clear, as create and rotate return them once (no secret for vendor-issued ones). */
export interface RevealedSource {
  row: SourceRow;
  token: string;
  secret: string | undefined;
}

interface NewSecret {
  secret: string;
  secret_ciphertext: string;
  credentials_ciphertext: string | null;
}

/**
 * The signing secret a source gets: one Nudge makes, or the one in the vendor's credentials
 * (required for those vendors, refused for the others); issues at `credentials…`.
 */
function newSecret(box: SecretBox, kind: string, config: unknown, credentials: unknown): NewSecret {
  const vendor = vendorOf(kind);
  if (!vendor.credentials) {
    if (credentials !== undefined) throw new ValidationError('invalid_source', [issueAt('credentials', 'no_credentials', { kind })]);
    const secret = vendor.newSecret(config);
    return { secret, secret_ciphertext: box.encrypt(secret), credentials_ciphertext: null };
  }
  const parsed = vendor.credentials.schema.safeParse(credentials);
  if (!parsed.success) throw new ValidationError('invalid_source', zodIssues(parsed.error, ['credentials']));
  const secret = vendor.credentials.signingSecret(parsed.data);
  return { secret, secret_ciphertext: box.encrypt(secret), credentials_ciphertext: box.encrypt(JSON.stringify(parsed.data)) };
}

/** The secret shown once: only one Nudge made (a vendor-issued secret is the person's own). */
const shown = (kind: string, made: NewSecret) => (vendorOf(kind).credentials ? undefined : made.secret);

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
  const made = newSecret(box, kind, config, parsed.data.credentials);
  const row: SourceRow = {
    id: newId('so'),
    workspace_id: workspaceId,
    kind,
    name,
    token_hash: hashToken(token),
    token_ciphertext: box.encrypt(token),
    secret_ciphertext: made.secret_ciphertext,
    credentials_ciphertext: made.credentials_ciphertext,
    config_json: encodeJson(config),
    created_at: now,
    rotated_at: null,
    previous_secret_ciphertext: null,
    previous_secret_expires_at: null,
  };
  await insertSource(db, row);
  return { row, token, secret: shown(kind, made) };
}

/**
 * A new signing secret (for vendors that issue it: the new `credentials`, which may be left out to
 * change only the URL), and with `url: true` a new URL token too. Vendors that keep signing with
 * the old secret for a while (`previousSecretGraceMs`) have it accepted until then.
 */
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
  const vendor = vendorOf(row.kind);
  const keepSecret = vendor.credentials !== undefined && parsed.data.credentials === undefined;
  if (keepSecret && !parsed.data.url) {
    throw new ValidationError('invalid_request', [issueAt('credentials', 'credentials_required', { vendor: vendor.label })]);
  }
  const made = keepSecret ? null : newSecret(box, row.kind, sourceConfig(row), parsed.data.credentials);
  const grace = vendor.previousSecretGraceMs ?? 0;
  const token = parsed.data.url ? newToken() : box.decrypt(row.token_ciphertext);
  const changes = {
    rotated_at: now,
    ...(made ? { secret_ciphertext: made.secret_ciphertext, credentials_ciphertext: made.credentials_ciphertext } : {}),
    ...(made && grace > 0 ? { previous_secret_ciphertext: row.secret_ciphertext, previous_secret_expires_at: now + grace } : {}),
    ...(parsed.data.url ? { token_hash: hashToken(token), token_ciphertext: box.encrypt(token) } : {}),
  };
  await updateSourceFields(db, row.id, changes);
  return { row: { ...row, ...changes }, token, secret: made ? shown(row.kind, made) : undefined };
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
