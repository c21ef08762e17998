/**
 * Workspace secrets (`KLAVIYO_PRIVATE_API_KEY`, an SMTP password, a signing secret): encrypted
 * with AES-256-GCM before they reach the database, never returned by the API, available to
 * credential positions of templates as `{{ secrets.NAME }}` (template-secrets.ts), and replaced
 * by `[secret:NAME]` in every delivery log and shown request.
 *
 * The key is NUDGE_SECRET_KEY (32 bytes, base64 or hex); without it, a key is created once in
 * the data folder (`secret.key`, mode 600). Processes on several hosts must share NUDGE_SECRET_KEY.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { NudgeError, ValidationError } from '../core/errors.js';
import { MIN_REDACTED_LENGTH, secretNameSchema, secretValueSchema } from '../core/secret-input.js';
import { zodIssues } from '../core/zod-issues.js';
import type { Database } from '../store/schema.js';
import { deleteSecret, listSecrets, putSecret } from '../store/repositories/secrets.js';


export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new NudgeError('bad_secret_key', 'NUDGE_SECRET_KEY must be 32 bytes (base64 or hex)');
  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    decrypt(ciphertext) {
      const raw = Buffer.from(ciphertext, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new NudgeError('secret_undecryptable', 'a stored secret cannot be decrypted: was NUDGE_SECRET_KEY changed?', { cause: error });
      }
    },
  };
}

/** The configured key, or the data folder's key file (created on first use). */
export async function loadSecretKey(configured: string | null, dataDir: string): Promise<Buffer> {
  if (configured) return parseKey(configured);
  const file = join(dataDir, 'secret.key');
  try {
    return parseKey((await readFile(file, 'utf8')).trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(32);
  // 'wx': if another process created it meanwhile, use theirs.
  try {
    await writeFile(file, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    await chmod(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseKey((await readFile(file, 'utf8')).trim());
    throw error;
  }
}

function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new NudgeError('bad_secret_key', 'the secret key must be 32 bytes, base64 or hex encoded');
  return key;
}

/** Throws a ValidationError (`invalid_secret`) naming `name` or `value` when either breaks the shared rules. */
export function checkSecret(input: { name: string; value?: string }): void {
  const issues = [
    ...issuesOf(secretNameSchema.safeParse(input.name), 'name'),
    ...(input.value === undefined ? [] : issuesOf(secretValueSchema.safeParse(input.value), 'value')),
  ];
  if (issues.length > 0) throw new ValidationError('invalid_secret', issues);
}

function issuesOf(result: { success: boolean; error?: z.ZodError }, path: string) {
  return result.error ? zodIssues(result.error, [path]) : [];
}

export async function setSecret(db: Kysely<Database>, box: SecretBox, workspaceId: string, name: string, value: string, now: number) {
  checkSecret({ name, value });
  return putSecret(db, workspaceId, name, box.encrypt(value), now);
}

export { deleteSecret, listSecrets };

/** Decrypted secrets of a workspace, by name. */
export async function readSecrets(db: Kysely<Database>, box: SecretBox, workspaceId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const row of await listSecrets(db, workspaceId)) out[row.name] = box.decrypt(row.ciphertext);
  return out;
}

/** Replaces every secret value found in `text` by `[secret:NAME]` (longest values first). */
export function redactSecrets(text: string, secrets: Readonly<Record<string, string>>): string {
  const entries = Object.entries(secrets)
    .filter(([, v]) => v.length >= MIN_REDACTED_LENGTH)
    .sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [name, value] of entries) {
    for (const form of textForms(value)) {
      if (form.length >= MIN_REDACTED_LENGTH) out = out.split(form).join(`[secret:${name}]`);
    }
  }
  return out;
}

/** `text` as it appears in a log: as is, inside a JSON string, and URL-encoded. */
export function textForms(text: string): Set<string> {
  return new Set([text, JSON.stringify(text).slice(1, -1), encodeURIComponent(text)]);
}
