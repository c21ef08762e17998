/**
 * The generic source, for senders without a module of their own (Zapier, Make, n8n, a home-grown
 * booking system): any JSON body, verified by Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>` over `id.timestamp.body`, a `whsec_…` secret) or by a plain
 * HMAC-SHA256 header of the raw body (the header's name, hex or base64, and an optional prefix such
 * as `sha256=` chosen at creation), and turned into an event by the user's mapping
 * (core/sources/generic-mapping.ts).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { codedPattern } from '../core/issue-codes.js';
import { applyMapping, mappingSchema } from '../core/sources/generic-mapping.js';
import { anyMatches, badSignature, checkTimestamp, decodeSignature, hmacSha256, missingSignature } from './signatures.js';
import type { SourceVendor, Verification } from './vendor.js';

const STANDARD_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

const verificationSchema = z.discriminatedUnion('scheme', [
  z.strictObject({ scheme: z.literal('standard') }),
  z.strictObject({
    scheme: z.literal('hmac'),
    header: z
      .string()
      .regex(codedPattern(/^[A-Za-z0-9-]{1,100}$/, 'header_name'), { message: 'expected a header name such as X-Signature' })
      .transform((h) => h.toLowerCase()),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    /** Text before the signature in the header, such as `sha256=`. */
    prefix: z.string().max(20).default(''),
  }),
]);

export const genericConfigSchema = z.strictObject({
  verification: verificationSchema.default({ scheme: 'standard' }),
  mapping: mappingSchema,
});

export type GenericConfig = z.infer<typeof genericConfigSchema>;

function verifyStandard(headers: Readonly<Record<string, string>>, body: Uint8Array, secret: string, now: number): Verification {
  const id = headers['webhook-id'];
  const signatures = headers['webhook-signature'];
  if (!id || !signatures) return missingSignature('webhook-id or webhook-signature');
  const stale = checkTimestamp(headers['webhook-timestamp'], now);
  if (stale) return stale;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = hmacSha256(key, `${id}.${headers['webhook-timestamp']}.`, body);
  const candidates = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => decodeSignature(s.slice(3), 'base64'));
  if (!anyMatches(expected, candidates)) return badSignature('webhook-signature does not match the body and the source’s secret');
  return { ok: true, deliveryId: id, replayKey: `id:${id}` };
}

export const generic: SourceVendor<GenericConfig> = {
  kind: 'generic',
  label: 'Generic (Standard Webhooks or HMAC)',
  headers: ['content-type', 'user-agent', ...STANDARD_HEADERS],
  configSchema: genericConfigSchema,
  newSecret(config) {
    const bytes = randomBytes(32);
    return config.verification.scheme === 'standard' ? `whsec_${bytes.toString('base64')}` : bytes.toString('hex');
  },
  verify(request, secret, config, now) {
    const v = config.verification;
    if (v.scheme === 'standard') return verifyStandard(request.headers, request.body, secret, now);
    const given = request.headers[v.header];
    if (!given) return missingSignature(v.header);
    const signature = given.trim().startsWith(v.prefix) ? given.trim().slice(v.prefix.length) : '';
    const expected = hmacSha256(secret, request.body);
    if (!anyMatches(expected, [decodeSignature(signature, v.encoding)])) return badSignature(`${v.header} does not match the body and the source’s secret`);
    return { ok: true, deliveryId: null, replayKey: `sig:${expected.toString('hex')}` };
  },
  decide: (body, config) => applyMapping(config.mapping, body),
};

/** The headers a generic source keeps: the standard ones and its own HMAC header. */
export function genericHeaders(config: GenericConfig): string[] {
  return config.verification.scheme === 'hmac' ? [...generic.headers, config.verification.header] : [...generic.headers];
}
