/**
 * Liquid rendering for step fields. Three output modes, chosen by where the text goes:
 * - `text`: as is (subjects, URLs, headers, SMS);
 * - `html`: every `{{ }}` output is HTML-escaped (a name like `<b>` cannot inject markup);
 * - `json`: every output is escaped for a JSON string, so a template body stays valid JSON
 *   whatever quotes, newlines or `{{` a customer's name contains.
 * Object bodies are rendered leaf by leaf and serialized afterwards; a leaf that is exactly one
 * `{{ expression }}` (filters included) keeps the expression's type (a number stays a number;
 * `{{ event.service_price | number }}` makes a price text a number).
 * Every engine is sandboxed and bounded (core/template-sandbox.ts): no files, limited time,
 * memory and output.
 */
import { Context, Drop, Liquid, toValueSync, Value, type Template } from 'liquidjs';
import { DateTime } from 'luxon';
import { isValidZone } from '../core/time-zones.js';
import { NudgeError } from '../core/errors.js';
import { createSandboxedLiquid, MAX_RENDERED_LENGTH } from '../core/template-sandbox.js';
import { SecretsDrop } from './template-secrets.js';
import { exactNumber } from '../core/exact-number.js';

export type OutputMode = 'text' | 'html' | 'json';

/**
 * A channel's own escaping of `{{ }}` outputs (Slack mrkdwn, Telegram MarkdownV2), passed in place
 * of an OutputMode: the template's literal text is the author's markup, each output a value. Pass
 * a function defined once (a module constant): each one gets its own engine, kept for good.
 */
export type OutputEscape = (value: unknown) => string;

export class TemplateError extends NudgeError {
  constructor(message: string, path: string, cause?: unknown) {
    super('template_error', `${path}: ${message}`, { status: 400, path, cause });
    this.name = 'TemplateError';
  }
}

const escapeHtml = (v: unknown): string =>
  String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const escapeJsonString = (v: unknown): string => {
  const s = typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? '');
  return JSON.stringify(s).slice(1, -1);
};

/** Tells a credential position's `secrets` what was printed, so outputs computed from a secret are redacted too. */
function noteOutput(value: unknown, context: Context): void {
  const secrets = (context.environments as Record<string, unknown>).secrets;
  if (secrets instanceof SecretsDrop) secrets.noteOutput(Array.isArray(value) ? value.join('') : value);
}

function createLiquid(outputEscape?: (v: unknown) => string): Liquid {
  const liquid = createSandboxedLiquid({
    cache: 1000,
    strictFilters: true,
    output: (value, context) => {
      const out = outputEscape ? outputEscape(value) : value;
      noteOutput(out, context);
      return out;
    },
  });
  liquid.registerFilter('json', (v: unknown) => JSON.stringify(v ?? null));
  liquid.registerFilter('number', toNumber);
  liquid.registerFilter('format_date', function (this: { context: { getSync(path: string[]): unknown } }, value: unknown, ...args: unknown[]) {
    return formatDate(value, args, (path) => this.context.getSync(path));
  });
  return liquid;
}

const engines: Record<OutputMode, Liquid> = {
  text: createLiquid(),
  html: createLiquid(escapeHtml),
  json: createLiquid(escapeJsonString),
};

const escapeEngines = new Map<OutputEscape, Liquid>();

function engineFor(mode: OutputMode | OutputEscape): Liquid {
  if (typeof mode === 'string') return engines[mode];
  let engine = escapeEngines.get(mode);
  if (!engine) {
    engine = createLiquid(mode);
    escapeEngines.set(mode, engine);
    parsedTemplates.set(engine, new Map());
  }
  return engine;
}

/**
 * `{{ event.service_price | number }}`: the value as a JSON number when it is exactly one
 * (`"49.90"` → 49.9); an error naming the value otherwise (`"€49,90"`), rather than a guess. Empty
 * stays empty, so a missing price is left out, as it is without the filter.
 */
function toNumber(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  const n = exactNumber(typeof value === 'string' ? value.trim() : value);
  if (n === undefined) throw new Error(`number: ${JSON.stringify(value)} is not a number`);
  return n;
}

const SINGLE_OUTPUT = /^\s*\{\{-?\s*([^{}]+?)\s*-?\}\}\s*$/;

export type TemplateContext = Record<string, unknown>;

/**
 * Parsed templates and expressions, per engine: liquidjs caches parsed files, not strings, and a
 * flow renders the same few strings for every session. Bounded: a full cache starts over.
 */
const MAX_PARSED = 2000;
const parsedTemplates = new Map<Liquid, Map<string, Template[]>>(Object.values(engines).map((e) => [e, new Map()]));
const parsedValues = new Map<string, Value>();

function parsed(engine: Liquid, template: string): Template[] {
  const cache = parsedTemplates.get(engine)!;
  let templates = cache.get(template);
  if (!templates) {
    if (cache.size >= MAX_PARSED) cache.clear();
    cache.set(template, (templates = engine.parse(template)));
  }
  return templates;
}

/**
 * Rendering is synchronous (every filter Nudge registers is): liquidjs's asynchronous mode costs a
 * promise per node, which was a fifth of a reminder's CPU.
 */
function render(mode: OutputMode | OutputEscape, template: string, context: TemplateContext): string {
  const engine = engineFor(mode);
  const out = engine.renderSync(parsed(engine, template), context) as string;
  if (out.length > MAX_RENDERED_LENGTH) throw new Error(`renders more than ${MAX_RENDERED_LENGTH} characters`);
  return out;
}

const PROPERTY_PATH = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/;
const NOT_SIMPLE = Symbol('not simple');
const LIQUID_PROPERTIES = new Set(['size', 'first', 'last']);

/**
 * `contact.first_name`: a plain path through plain data, read as liquidjs would read it (own
 * properties only; a missing one is undefined), without building a liquidjs context. Anything
 * else (`size`, `first`, `last`, functions, `toLiquid`, drops such as `secrets`, stepping into a
 * primitive) is left to liquidjs.
 */
function readPath(expression: string, context: TemplateContext): unknown {
  let value: unknown = context;
  for (const key of expression.split('.')) {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object' || value instanceof Drop || typeof (value as { toLiquid?: unknown }).toLiquid === 'function') return NOT_SIMPLE;
    if (!Object.prototype.hasOwnProperty.call(value, key)) {
      if (LIQUID_PROPERTIES.has(key)) return NOT_SIMPLE;
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
    if (typeof value === 'function') return NOT_SIMPLE;
  }
  return value;
}

function evalExpression(expression: string, context: TemplateContext): unknown {
  if (PROPERTY_PATH.test(expression)) {
    const simple = readPath(expression, context);
    if (simple !== NOT_SIMPLE) return simple;
  }
  let value = parsedValues.get(expression);
  if (!value) {
    if (parsedValues.size >= MAX_PARSED) parsedValues.clear();
    parsedValues.set(expression, (value = new Value(expression, engines.text)));
  }
  return toValueSync(value.value(new Context(context, engines.text.options, { sync: true }, { liquid: engines.text }), false));
}

/** Renders one template string; `path` names the field in errors (`steps[0].email.subject`). */
export async function renderString(
  template: string,
  context: TemplateContext,
  mode: OutputMode | OutputEscape,
  path: string,
): Promise<string> {
  return renderStringSync(template, context, mode, path);
}

export function renderStringSync(template: string, context: TemplateContext, mode: OutputMode | OutputEscape, path: string): string {
  if (!template.includes('{')) return template;
  try {
    return render(mode, template, context);
  } catch (error) {
    throw new TemplateError((error as Error).message, path, error);
  }
}

/** Renders every string inside a JSON-like value. */
export async function renderValue(value: unknown, context: TemplateContext, path: string): Promise<unknown> {
  return renderValueSync(value, context, path);
}

function renderValueSync(value: unknown, context: TemplateContext, path: string): unknown {
  if (typeof value === 'string') {
    const single = SINGLE_OUTPUT.exec(value);
    if (single?.[1]) {
      try {
        const v = evalExpression(single[1], context);
        return v === undefined ? null : v;
      } catch (error) {
        throw new TemplateError((error as Error).message, path, error);
      }
    }
    return renderStringSync(value, context, 'text', path);
  }
  if (Array.isArray(value)) return value.map((v, i) => renderValueSync(v, context, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderValueSync(v, context, `${path}.${k}`);
    return out;
  }
  return value;
}

/** Renders each value of a string map (headers, form fields). */
export async function renderRecord(
  record: Record<string, string> | undefined,
  context: TemplateContext,
  path: string,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record ?? {})) out[k] = await renderString(v, context, 'text', `${path}.${k}`);
  return out;
}

const DATE_STYLES: Record<string, Intl.DateTimeFormatOptions> = {
  full: { dateStyle: 'full', timeStyle: 'short' },
  long: { dateStyle: 'long', timeStyle: 'short' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  short: { dateStyle: 'short', timeStyle: 'short' },
  date: { dateStyle: 'long' },
  time: { timeStyle: 'short' },
};

/**
 * `{{ appointment.start_at | format_date }}` shows a time where and how the customer reads it:
 * in the appointment's timezone (else the contact's, else the workspace's) and the contact's
 * language. Arguments, all optional: a style (`full`, `long` (default), `medium`, `short`, `date`,
 * `time`) or a Luxon format (`cccc d LLLL, HH:mm`), a timezone, a locale.
 */
function formatDate(value: unknown, args: unknown[], get: (path: string[]) => unknown): string {
  const [format = 'long', zoneArg, localeArg] = args.map((a) => (a === undefined || a === null ? undefined : String(a)));
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value instanceof Date ? value.getTime() : NaN;
  if (Number.isNaN(ms)) return value === undefined || value === null ? '' : String(value);
  const candidates = [zoneArg, get(['appointment', 'timezone']), get(['contact', 'timezone']), get(['workspace', 'timezone'])];
  const zone = candidates.find((z): z is string => typeof z === 'string' && isValidZone(z)) ?? 'UTC';
  const locale = localeArg ?? (typeof get(['contact', 'language']) === 'string' ? (get(['contact', 'language']) as string) : 'en');
  const dt = DateTime.fromMillis(ms, { zone }).setLocale(locale.replace('_', '-'));
  const style = DATE_STYLES[format];
  return style ? dt.toLocaleString(style) : dt.toFormat(format);
}
