/**
 * Bearer tokens of the web app: session cookies and invite links. A token is 32 random bytes
 * (base64url); only its SHA-256 is stored, so a copy of the database lets nobody sign in. The CSRF
 * token of a session is derived from the session's token (HMAC), so it needs no storage and a
 * page that cannot read the HttpOnly cookie cannot compute it.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('nudge csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
