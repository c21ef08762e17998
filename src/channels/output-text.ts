/** A template output as text, before a channel escapes it: null and undefined as '', objects as JSON. */
export function outputText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
