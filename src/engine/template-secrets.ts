/**
 * How templates reach workspace secrets, and how what they computed from them is kept out of
 * everything Nudge shows or stores.
 *
 * The rule (docs/flows.md, "Secrets"): `secrets` exists only in credential positions (a webhook's
 * URL, headers and signing secret; a channel's declared credential settings such as `api_key`).
 * Everywhere else it is a variable whose every use is an error, so a body, subject or condition
 * cannot print a secret, whatever filter it applies. A credential position that read a secret is
 * secret as a whole: wherever its rendered value appears (a request shown by preview, test or
 * dry-run; a stored delivery; an error message) it is replaced by its literal beginning followed
 * by `[secret:NAME]` (it was exactly that secret) or `[redacted]` (anything computed from one),
 * e.g. `Bearer [secret:API_TOKEN]`, `https://api.example.com/hook?key=[redacted]`. The values of
 * secrets themselves are still replaced wherever found, in case a receiver echoes one.
 */
import { Drop } from 'liquidjs';
import { SECRETS_ONLY_IN_CREDENTIALS } from '../core/validation-support.js';
import { MIN_REDACTED_LENGTH } from '../core/secret-input.js';
import { redactSecrets, textForms } from './secrets.js';

/** `secrets` in a credential position: reads values by name, and remembers that it was read. */
export class SecretsDrop extends Drop {
  readonly #values: Readonly<Record<string, string>>;
  #read = false;
  readonly #outputs: string[] = [];

  constructor(values: Readonly<Record<string, string>>) {
    super();
    this.#values = values;
  }

  override liquidMethodMissing(name: unknown): string | undefined {
    this.#read = true;
    return typeof name === 'string' && Object.hasOwn(this.#values, name) ? this.#values[name] : undefined;
  }

  override valueOf(): string {
    this.#read = true;
    return '';
  }

  /** Called for each `{{ }}` output: once a secret was read, every later output may derive from it. */
  noteOutput(value: unknown): void {
    if (this.#read && typeof value === 'string') this.#outputs.push(value);
  }

  wasRead(): boolean {
    return this.#read;
  }

  /** Outputs printed after a secret was read (e.g. a host computed from one, echoed by a DNS error). */
  derivedOutputs(): readonly string[] {
    return this.#outputs;
  }
}

/** `secrets` everywhere but credential positions: any use fails the rendering. */
class ForbiddenSecretsDrop extends Drop {
  override liquidMethodMissing(): never {
    throw new Error(SECRETS_ONLY_IN_CREDENTIALS);
  }

  override valueOf(): never {
    throw new Error(SECRETS_ONLY_IN_CREDENTIALS);
  }
}

export const FORBIDDEN_SECRETS = new ForbiddenSecretsDrop();

/** The literal text before a template's first tag: the author's own, shown as is. */
function literalPrefix(template: string, rendered: string): string {
  const brace = template.indexOf('{');
  const prefix = brace < 0 ? template : template.slice(0, brace);
  // Whitespace control (`{{-`) may have trimmed it: then nothing is kept.
  return rendered.startsWith(prefix) ? prefix : '';
}

/**
 * Rendered credential positions and the secrets of one workspace, for one preview, test send,
 * dry-run or session run: `redact` replaces every rendered position that read a secret, every
 * output computed after reading one, and every secret value, by its placeholder.
 */
export class SecretRedactor {
  /** Rendered text → what is shown instead. */
  private readonly replacements = new Map<string, string>();
  /** `replacements`, longest first: sorted once per new entry, not per redacted string. */
  private sorted: [string, string][] | null = null;

  constructor(readonly secrets: Readonly<Record<string, string>>) {}

  /**
   * Records a credential position rendered from `template` (null: its rendering failed), if it
   * read a secret.
   */
  remember(template: string, rendered: string | null, drop: SecretsDrop): void {
    if (!drop.wasRead()) return;
    if (rendered !== null) {
      const prefix = literalPrefix(template, rendered);
      const rest = rendered.slice(prefix.length);
      const name = Object.keys(this.secrets).find((n) => this.secrets[n] === rest || this.secrets[n] === rest.trim());
      const placeholder = name ? `[secret:${name}]` : '[redacted]';
      this.add(rendered, `${prefix}${placeholder}`);
      this.add(rest, placeholder);
    }
    // After the whole: an output that is the whole value keeps the whole value's placeholder.
    for (const output of drop.derivedOutputs()) this.add(output, '[redacted]');
  }

  /** Replaces `text`, trimmed or not, as is, JSON-escaped or URL-encoded; the first placeholder set wins. */
  private add(text: string, shown: string): void {
    for (const form of [...textForms(text), ...textForms(text.trim())]) {
      if (form.length >= MIN_REDACTED_LENGTH && !this.replacements.has(form)) {
        this.replacements.set(form, shown);
        this.sorted = null;
      }
    }
  }

  redact(text: string): string {
    let out = text;
    this.sorted ??= [...this.replacements].sort((a, b) => b[0].length - a[0].length);
    for (const [form, shown] of this.sorted) out = out.split(form).join(shown);
    return redactSecrets(out, this.secrets);
  }

  /**
   * `value` as JSON would carry it, with every string (keys included) redacted one by one: a
   * replacement can never break the structure, whatever text a position printed.
   */
  redactValue(value: unknown): unknown {
    const walk = (v: unknown): unknown => {
      if (typeof v === 'string') return this.redact(v);
      if (Array.isArray(v)) return v.map(walk);
      if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [this.redact(k), walk(x)]));
      return v;
    };
    return walk(JSON.parse(JSON.stringify(value ?? null)) as unknown);
  }

  /**
   * Redacts an error in place: its message (shown by the API, stored as a delivery's error), its
   * stack (logged), and those of its causes.
   */
  redactError<E>(error: E): E {
    const seen = new Set<unknown>();
    for (let e: unknown = error; e instanceof Error && !seen.has(e); e = e.cause) {
      seen.add(e);
      e.message = this.redact(e.message);
      if (e.stack) e.stack = this.redact(e.stack);
    }
    return error;
  }
}
