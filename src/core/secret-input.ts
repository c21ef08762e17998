/**
 * A workspace secret as people type it: its name and value. Shared by the server (validation) and
 * the web app's secret form.
 */
import { z } from 'zod';
import { codedPattern } from './issue-codes.js';

export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Values shorter than this are not searched for when redacting (they would match too much). */
export const MIN_REDACTED_LENGTH = 4;

export const secretNameSchema = z.string().regex(codedPattern(SECRET_NAME, 'secret_name'), {
  message: 'expected upper-case letters, digits and _, starting with a letter (e.g. KLAVIYO_PRIVATE_API_KEY)',
});

/** Logs are searched for secret values to hide them; a shorter value would match too much to search for. */
export const secretValueSchema = z
  .string()
  .min(1, { message: 'must not be empty', abort: true })
  .min(MIN_REDACTED_LENGTH, { message: `must be at least ${MIN_REDACTED_LENGTH} characters, so it can be redacted` });

/** The body of `PUT /v1/secrets/{name}`. */
export const secretBodySchema = z.object({ value: secretValueSchema }).strict();

/** The name and the value together: the web app's form. */
export const secretSchema = secretBodySchema.extend({ name: secretNameSchema });
