/**
 * Values in Slack mrkdwn. Slack reads `&`, `<` and `>` as control characters (`<!channel>`
 * notifies everyone, `<https://…|label>` is a link) and asks that text carry them as `&amp;`,
 * `&lt;` and `&gt;`, which it shows as the characters. So every `{{ }}` output is escaped this
 * way, and a customer named `<!channel>` is shown, not announced; the template's own text is the
 * flow author's markup and is sent as written. Slack has no escape for `*`, `_` or `~`: a value can
 * still turn bold, never into a mention or a link.
 */
import { outputText } from '../output-text.js';

export function escapeMrkdwn(value: unknown): string {
  return outputText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
