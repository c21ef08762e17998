/**
 * Shared pieces of flow validation: running a zod schema at a path and turning its issues into
 * short FieldIssues, and the field schemas every part uses (durations, templates, anchors).
 *
 * Why zod plus hand-written dispatch: zod checks the shape of each object (`.strict()` reports
 * unknown fields with their path), while "exactly one of these keys" and recursion into nested
 * steps are dispatched by hand, because zod's union errors cannot say which key was meant.
 */

import type { Liquid } from 'liquidjs';
import { z } from 'zod';
import { invalidDurationMessage, parseDuration } from './duration.js';
import { formatPath, type FieldIssue } from './errors.js';
import { createSandboxedLiquid, MAX_TEMPLATE_LENGTH, parseErrorMessage } from './template-sandbox.js';

/** Joins a base path and a suffix as formatPath would: `steps[0]` + `email.to`, `steps` + `[0]`. */
export function joinPath(base: string, suffix: string): string {
  if (suffix === '') return base;
  if (base === '') return suffix;
  return suffix.startsWith('[') ? `${base}${suffix}` : `${base}.${suffix}`;
}

const ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  record: 'an object',
  array: 'an array',
};

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

/**
 * Short messages for zod's built-in issues. Schema-level `error` options and custom issues keep
 * their own message (zod gives them precedence over this per-parse map).
 */
function messageFor(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${ARTICLES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
      if (issue.origin === 'array') return `must have at least ${min} item${min === 1 ? '' : 's'}`;
      return `must be at least ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters`;
      if (issue.origin === 'array') return `must have at most ${max} items`;
      return `must be at most ${max}`;
    }
    case 'invalid_format':
      return 'invalid format';
    default:
      return undefined;
  }
}

/**
 * Parses `input` with `schema`; on failure appends one FieldIssue per problem, with paths under
 * `path`, and returns undefined. An object's unknown keys become one `unknown field` issue each.
 */
export function check<T>(schema: z.ZodType<T>, input: unknown, path: string, issues: FieldIssue[]): T | undefined {
  const result = schema.safeParse(input, { error: messageFor });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at = joinPath(path, formatPath(issue.path));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ path: joinPath(at, key), message: 'unknown field' });
    } else {
      issues.push({ path: at, message: issue.message });
    }
  }
  return undefined;
}

/** A non-null, non-array object, as JSON and YAML produce. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A duration as parseDuration accepts it. */
export const durationText = z.string().superRefine((text, ctx) => {
  if (!parseDuration(text)) ctx.addIssue({ code: 'custom', message: invalidDurationMessage(text) });
});

// One parser for every template, with the engine's sandbox (no file tags, bounded length). Not
// strict about filters: the engine registers its own (`format_date`), which core does not know.
const liquid = createSandboxedLiquid();

/** Where a template may use `secrets`: see docs/flows.md, "Secrets". */
export const SECRETS_ONLY_IN_CREDENTIALS = 'secrets are only available in headers, url and credential fields';

/**
 * Why `text` cannot be saved as a template, or null: too long, a parse error, a file tag, or a
 * use of `secrets` where `secrets` is false (a body, a subject: anything but a credential).
 */
export function templateError(text: string, options: { secrets?: boolean } = {}): string | null {
  if (text.length > MAX_TEMPLATE_LENGTH) return `must be at most ${MAX_TEMPLATE_LENGTH} characters`;
  let parsed: ReturnType<Liquid['parse']>;
  try {
    parsed = liquid.parse(text);
  } catch (error) {
    return parseErrorMessage(error);
  }
  // The word is needed to name the variable, so text without it needs no analysis.
  if (!options.secrets && text.includes('secrets') && liquid.globalVariablesSync(parsed).includes('secrets')) {
    return SECRETS_ONLY_IN_CREDENTIALS;
  }
  return null;
}

/** True when `text` holds Liquid markup, i.e. its value is only known when rendered. */
export function isTemplated(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

function templateSchema(options: { required: boolean; secrets: boolean }) {
  return z.string().superRefine((text, ctx) => {
    if (options.required && text.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      return;
    }
    const error = templateError(text, options);
    if (error) ctx.addIssue({ code: 'custom', message: error });
  });
}

/** A string that must parse as a Liquid template, without `secrets`. */
export const templateText = templateSchema({ required: false, secrets: false });

/** A non-empty string that must parse as a Liquid template, without `secrets`. */
export const requiredTemplate = templateSchema({ required: true, secrets: false });

/** A template in a credential position (a header, a URL): it may use `secrets`. */
export const credentialTemplate = templateSchema({ required: false, secrets: true });

/** A non-empty template in a credential position. */
export const requiredCredentialTemplate = templateSchema({ required: true, secrets: true });

/** `start` or `end`; any other text is reported as `unknown anchor "x"`. */
export const anchorSchema = z.enum(['start', 'end'], {
  error: (issue) => {
    if (issue.input === undefined) return 'required';
    if (typeof issue.input === 'string') return `unknown anchor "${issue.input}"`;
    return 'expected one of: start, end';
  },
});

/**
 * Checks a JSON value (webhook body, contact attributes): every string in it must parse as a
 * template (using `secrets` only when `options.secrets`); numbers must be finite; anything JSON
 * cannot carry is reported.
 */
export function checkJsonTemplates(value: unknown, path: string, issues: FieldIssue[], options: { secrets?: boolean } = {}): void {
  if (typeof value === 'string') {
    const error = templateError(value, options);
    if (error) issues.push({ path, message: error });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonTemplates(item, `${path}[${i}]`, issues, options));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJsonTemplates(item, joinPath(path, key), issues, options);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path, message: 'expected a finite number' });
  } else if (value !== null && typeof value !== 'boolean') {
    issues.push({ path, message: 'expected a JSON value' });
  }
}
