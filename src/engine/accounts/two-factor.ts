/**
 * Two-factor sign-in with time-based one-time codes (RFC 6238: 6 digits, 30 s steps, SHA-1, as
 * every authenticator app reads them), by the otpauth library. A code is accepted one step either
 * side of now, and never twice: the step of the last accepted code is stored per user.
 */
import { Secret, TOTP } from 'otpauth';

const PERIOD_S = 30;
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'Nudge', label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secret) });
}

/** The `otpauth://` URL an authenticator app reads from a QR code. */
export function otpauthUrl(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/**
 * The time step of `code` if it is valid at `now` and newer than `lastCounter`; null otherwise.
 * Codes are six digits; anything else is refused before any comparison.
 */
export function acceptCode(secret: string, code: string, now: number, lastCounter: number | null): number | null {
  const digits = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(digits)) return null;
  const delta = totp(secret, '').validate({ token: digits, timestamp: now, window: WINDOW });
  if (delta === null) return null;
  const counter = Math.floor(now / 1000 / PERIOD_S) + delta;
  if (lastCounter !== null && counter <= lastCounter) return null;
  return counter;
}

/** The code an authenticator app shows at `now` (tests sign in with it). */
export function currentCode(secret: string, now: number): string {
  return totp(secret, '').generate({ timestamp: now });
}
