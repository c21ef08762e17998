/**
 * The one reading of phone numbers for every channel that sends one (SMS, WhatsApp, Klaviyo and
 * Omnisend profiles): libphonenumber-js parses what people type (`+44 (0)20 7946 0958`,
 * `0044 20 7946 0958`, `(415) 555-0123`) into E.164 (`+442079460958`), reading a number written
 * without its country code in the workspace's default country, and refuses what is not a valid
 * number for its country. Stripping separators by hand would send `+4402079460958`: a wrong number.
 *
 * Contacts keep their phone as received (the workspace's country may be set or changed later, and
 * the raw value is what the booking system sent); it is read here, at send time.
 */
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ChannelError } from './channel.js';

export type PhoneNumberReading =
  | { kind: 'empty' }
  | { kind: 'valid'; e164: string }
  | { kind: 'invalid'; reason: string };

/**
 * Reads `raw` as a phone number. `defaultCountry` (ISO 3166-1 alpha-2, the workspace's country)
 * is used only for numbers written without a country code; without it such numbers are invalid.
 */
export function readPhoneNumber(raw: string, defaultCountry: string | null | undefined): PhoneNumberReading {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  const country = defaultCountry && isSupportedCountry(defaultCountry.toUpperCase()) ? (defaultCountry.toUpperCase() as CountryCode) : undefined;
  const international = /^(\+|00)/.test(text.replace(/^[\s(]+/, ''));
  let parsed;
  try {
    parsed = parsePhoneNumberFromString(text, country ? { defaultCountry: country } : {});
  } catch {
    parsed = undefined;
  }
  if (parsed?.isValid()) return { kind: 'valid', e164: parsed.number };
  if (!international && !country) {
    return { kind: 'invalid', reason: `"${text}" has no country code and the workspace has no default country: write it as +<country code> … or set the workspace's country` };
  }
  const where = parsed?.country ?? (international ? undefined : country);
  return { kind: 'invalid', reason: `"${text}" is not a valid phone number${where ? ` for ${where}` : ''}` };
}

/**
 * A rendered phone field as the channel sends it: E.164, or '' when empty (the channel then skips
 * the step, as for a contact without a phone). A number that is not valid is a permanent error
 * naming `field`, because sending to a guess could reach a stranger.
 */
export function sendablePhoneNumber(raw: string, defaultCountry: string | null | undefined, field: string): string {
  const reading = readPhoneNumber(raw, defaultCountry);
  if (reading.kind === 'valid') return reading.e164;
  if (reading.kind === 'empty') return '';
  throw new ChannelError(`${field}: ${reading.reason}`, { retryable: false, field });
}
