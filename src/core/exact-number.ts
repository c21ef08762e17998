/**
 * Prices and ids arrive as text (`"149"`, `"49.90"`, `"4447608111157"`) and are stored as text, so
 * that they are shown exactly as the booking system wrote them. Where a vendor or a payment
 * endpoint needs a JSON number, this is the one conversion: a plain decimal becomes a number only
 * when the number has exactly its value (`"49.90"` → 49.9), never by guessing (`"€49,90"`, `"007"`,
 * `"1e3"`, `"0x10"`, or more digits than a double holds, stay text).
 */

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** The number `value` is exactly, or undefined. Numbers pass through when finite. */
export function exactNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return undefined;
  const n = Number(value);
  const canonical = value.includes('.') ? value.replace(/\.?0+$/, '') : value;
  return String(n) === canonical ? n : undefined;
}
