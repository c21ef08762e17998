/**
 * IANA zone names: whether the runtime knows one. Pure (Intl only), so the web app's workspace form
 * checks a zone with the same rule as the server.
 */

/**
 * Memoised answers: building an `Intl.DateTimeFormat` on every call was 9% of a worker's CPU in the
 * drain benchmark, as every reminder resolves a zone. The runtime's zone database does not change
 * while it runs. Names come from user data, so the memo is bounded.
 */
const zoneValidity = new Map<string, boolean>();
const ZONE_MEMO_MAX = 2000;

/** True when `zone` is an IANA zone name the runtime knows (`Europe/Paris`, `UTC`). */
export function isValidZone(zone: string): boolean {
  if (typeof zone !== 'string') return false;
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = zone.trim() !== '' && formatsIn(zone);
    if (zoneValidity.size >= ZONE_MEMO_MAX) zoneValidity.clear();
    zoneValidity.set(zone, valid);
  }
  return valid;
}

function formatsIn(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone }).format();
    return true;
  } catch {
    return false;
  }
}
