/**
 * The server's errors and validation issues in the UI language. The API answers in English with a
 * `code`, and each validation issue with its own `code` and `params` (src/core/issue-codes.ts);
 * this module words them from the `errors` catalog: an error by its code (or, for a code this
 * build does not know, its HTTP status), an issue by its code, else a general "not valid".
 * Callers keep the server's English as a detail for the curious.
 */
import i18next from 'i18next';

export interface ServerIssue {
  path?: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** A JSON type's name in the UI language (`string` → "text"); `string | number`, a union, as "text or a number". */
function typeName(name: string | number | undefined): string {
  const names = String(name).split(' | ');
  if (names.length > 1) return new Intl.ListFormat(i18next.language, { type: 'disjunction' }).format(names.map(typeName));
  const key = `type.${name === 'int' ? 'integer' : String(name)}`;
  return i18next.exists(key, { ns: 'errors' }) ? i18next.t(key, { ns: 'errors' }) : i18next.t('type.other', { ns: 'errors' });
}

/** One issue's message in the UI language (without its path). */
export function issueText(issue: ServerIssue): string {
  const t = (key: string, params: Record<string, unknown> = {}) => i18next.t(`issue.${key}`, { ns: 'errors', ...params });
  if (!isKnownIssue(issue)) return t('other');
  // `expected`, `received` and `type` name JSON types (`string`, `array`), worded in the UI language.
  const params: Record<string, unknown> = { ...issue.params };
  for (const key of ['expected', 'received', 'type']) if (params[key] !== undefined) params[key] = typeName(issue.params![key]);
  return t(issue.code!, params);
}

/** Whether the catalog words this issue itself (rather than falling back to "not valid"). */
export function isKnownIssue(issue: ServerIssue): boolean {
  return issue.code !== undefined && i18next.exists(`issue.${issue.code}`, { ns: 'errors' });
}

/** An API error's headline in the UI language: by its code, else by its HTTP status. */
export function errorCodeText(code: string, status: number): string {
  const t = (key: string) => i18next.t(key, { ns: 'errors' });
  if (i18next.exists(`code.${code}`, { ns: 'errors' })) return t(`code.${code}`);
  return i18next.exists(`status.${status}`, { ns: 'errors' }) ? t(`status.${status}`) : t('status.other');
}
