/**
 * What a flow definition refers to outside itself: workspace secrets (`{{ secrets.NAME }}`) and
 * preset placeholders not yet filled (`{{ placeholders.NAME }}`). A flow can go live only when
 * every secret is set and no placeholder is left.
 */

function namesAfter(prefix: string, definition: unknown): string[] {
  const names = new Set<string>();
  const pattern = new RegExp(`${prefix}\\.([A-Z][A-Z0-9_]*)`, 'g');
  for (const m of JSON.stringify(definition ?? null).matchAll(pattern)) names.add(m[1]!);
  return [...names].sort();
}

/** Names referenced as `secrets.NAME`, sorted. */
export function referencedSecrets(definition: unknown): string[] {
  return namesAfter('secrets', definition);
}

/** Names referenced as `placeholders.NAME`, sorted. */
export function referencedPlaceholders(definition: unknown): string[] {
  return namesAfter('placeholders', definition);
}
