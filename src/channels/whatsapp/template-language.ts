/**
 * WhatsApp template language codes. Meta names them `en_US`, `pt_BR`, `de`, `fil`, `prs_AF`
 * (language in lower case, an underscore, region in upper case), while contacts usually carry BCP 47
 * tags (`pt-BR`, `en-us`) and the docs suggest `{{ contact.language }}`. A code that would reach Meta
 * as `pt-BR` is refused there (132001, template does not exist in the translation), so the rendered
 * code is brought to Meta's form. Which codes exist is Meta's list, which grows; a code of the right
 * form that is not on it is left for Meta to refuse rather than guessed at.
 */

const TAG = /^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?$/;
/** Meta's form: `de`, `en_US`, `fil`, `prs_AF`. */
export const META_LANGUAGE_CODE = /^[a-z]{2,3}(_[A-Z]{2})?$/;

/** `pt-BR`, `pt_br`, ` PT-br ` → `pt_BR`; anything else trimmed and unchanged, for the send-time check to name. */
export function metaLanguageCode(value: string): string {
  const text = value.trim();
  const m = TAG.exec(text);
  if (!m) return text;
  return m[2] ? `${m[1]!.toLowerCase()}_${m[2].toUpperCase()}` : m[1]!.toLowerCase();
}
