/**
 * Standard Webhooks signing (spec v1.0.0, symmetric `v1`): the signed content is
 * `{webhook-id}.{webhook-timestamp}.{body}`, the signature base64(HMAC-SHA256(key, content)),
 * the key the base64-decoded bytes of a `whsec_…` secret.
 *
 * `webhook-id` is the delivery's idempotency key with `.` replaced by `:`: the key is stable
 * across retries, as the spec wants, but contains full stops (`<session>.<step>.<iteration>`,
 * and step ids are chosen by flow authors), which the spec forbids in the id because the three
 * signed parts are joined with them. Step and session ids never contain `:`, so the mapping is
 * one-to-one and the id still reads as the key.
 */
import { createHmac } from 'node:crypto';
import { ValidationError } from '../../core/errors.js';
import { problemAt } from '../../core/issue-codes.js';
import { signingSecretError, signingSecretProblem } from '../../core/step-validation.js';

/**
 * `secret` trimmed, or a ValidationError at `field` and what is wrong (an empty secret usually means the
 * workspace secret it refers to is not set). The message never contains the secret.
 */
export function checkSigningSecret(secret: string, field: string): string {
  const problem = secret.trim() === '' ? { code: 'rendered_empty' as const } : signingSecretProblem(secret);
  if (problem) throw new ValidationError('invalid_step_input', [problemAt(field, problem)]);
  return secret.trim();
}

/** The HMAC key of a `whsec_…` secret; throws an Error saying what is wrong with it. */
export function signingKey(secret: string): Buffer {
  const error = signingSecretError(secret);
  if (error) throw new Error(`signing_secret: ${error}`);
  return Buffer.from(secret.trim().replace(/^whsec_/, ''), 'base64');
}

/** The `webhook-id` for a delivery: its idempotency key, without full stops. */
export function webhookId(idempotencyKey: string): string {
  return idempotencyKey.replaceAll('.', ':');
}

/** `v1,<base64 signature>` of `body` sent with this id at `timestampSeconds`. */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${digest}`;
}

/** The three Standard Webhooks headers for one attempt. */
export function standardWebhookHeaders(key: Buffer, idempotencyKey: string, nowMs: number, body: string): Record<string, string> {
  const id = webhookId(idempotencyKey);
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(key, id, timestamp, body),
  };
}
