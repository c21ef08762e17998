/** HMAC and constant-time comparison for source vendors' signature checks. */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TIMESTAMP_TOLERANCE_MS, type Verification } from './vendor.js';

export function hmacSha256(key: string | Buffer, ...parts: Array<string | Uint8Array>): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Equal bytes, compared in constant time (a length mismatch answers at once: lengths are not secret). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Bytes of a hex or base64 signature; an empty buffer for text that is not one (it then matches nothing). */
export function decodeSignature(text: string, encoding: 'hex' | 'base64'): Buffer {
  const pattern = encoding === 'hex' ? /^[0-9a-fA-F]+$/ : /^[A-Za-z0-9+/]+={0,2}$/;
  return pattern.test(text) ? Buffer.from(text, encoding) : Buffer.alloc(0);
}

/** True when any of the candidate signatures equals the expected MAC. */
export function anyMatches(expected: Buffer, candidates: Buffer[]): boolean {
  let found = false;
  for (const candidate of candidates) found = sameBytes(expected, candidate) || found;
  return found;
}

/** A random secret of 32 bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Rejects a timestamp (seconds since the epoch) outside the tolerance either side of now. */
export function checkTimestamp(seconds: string | undefined, now: number): Verification | null {
  if (seconds === undefined || !/^\d{1,12}$/.test(seconds)) {
    return { ok: false, code: 'missing_signature', reason: 'no valid signature timestamp' };
  }
  const skew = Math.abs(now - Number(seconds) * 1000);
  if (skew > TIMESTAMP_TOLERANCE_MS) {
    return { ok: false, code: 'stale_timestamp', reason: `the signature timestamp is ${Math.round(skew / 1000)} s from now (at most ${TIMESTAMP_TOLERANCE_MS / 1000} s)` };
  }
  return null;
}

export const badSignature = (reason: string): Verification => ({ ok: false, code: 'bad_signature', reason });
export const missingSignature = (header: string): Verification => ({ ok: false, code: 'missing_signature', reason: `no ${header} header` });

/**
 * Checks a header holding the base64 HMAC-SHA256 of `parts` with `secret` (Shopify, Acuity,
 * Square sign this way); answers the verification failure, or null when the signature matches.
 */
export function checkBase64Hmac(
  headers: Readonly<Record<string, string>>,
  header: { name: string; label: string },
  secret: string,
  parts: Array<string | Uint8Array>,
): Verification | null {
  const given = headers[header.name];
  if (!given) return missingSignature(header.label);
  if (!sameBytes(hmacSha256(secret, ...parts), decodeSignature(given.trim(), 'base64'))) {
    return badSignature(`${header.label} does not match the body and the source’s secret`);
  }
  return null;
}
