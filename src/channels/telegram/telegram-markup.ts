/**
 * Values in Telegram's parse modes (Bot API, "Formatting options"). Telegram refuses a message
 * whose markup it cannot parse with a 400 that is never worth retrying, so an unescaped `-` in
 * `Mary-Jane` or `.` in `St. John` would lose the message. Every `{{ }}` output is escaped for the step's
 * parse mode; the template's own text is the flow author's markup and is sent as written.
 *
 * - `MarkdownV2`: `_ * [ ] ( ) ~ ` > # + - = | { } . !` and `\` are preceded by `\`.
 * - `Markdown` (legacy): `_ * ` [` are preceded by `\` (the only escapes it has).
 * - `HTML`: `&`, `<`, `>`, `"` as entities (the engine's html mode, see templates.ts).
 *
 * A value inside a code span or a link's URL needs fewer escapes than this, but the extra `\`
 * before a character there is still valid for Telegram.
 */
import { outputText } from '../output-text.js';

export function escapeMarkdownV2(value: unknown): string {
  return outputText(value).replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
}

export function escapeLegacyMarkdown(value: unknown): string {
  return outputText(value).replace(/[_*`[]/g, '\\$&');
}
