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
import { durationProblem, parseDuration } from './duration.js';
import { formatPath, type FieldIssue } from './errors.js';
import { codedIssue, issueAt, issueMessage, patternProblem, problemAt, type CodedProblem } from './issue-codes.js';
import { createSandboxedLiquid, MAX_TEMPLATE_LENGTH, parseProblem } from './template-sandbox.js';
import { customProblem } from './zod-issues.js';

/** Joins a base path and a suffix as formatPath would: `steps[0]` + `email.to`, `steps` + `[0]`. */
export function joinPath(base: string, suffix: string): string {
  if (suffix === '') return base;
  if (base === '') return suffix;
  return suffix.startsWith('[') ? `${base}${suffix}` : `${base}.${suffix}`;
}

type RawIssue = Parameters<z.core.$ZodErrorMap>[0];

/** The code of a zod built-in issue, as check() reports it (messages from issueMessage). */
function problemFor(issue: RawIssue): CodedProblem | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { code: 'required' };
      return { code: 'expected_type', params: { type: issue.expected } };
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: issue.values.map(String).join(', ') } };
    case 'too_small': {
      const count = Number(issue.minimum);
      if (issue.origin === 'string') return count <= 1 ? { code: 'not_empty' } : { code: 'at_least_chars', params: { count } };
      if (issue.origin === 'array') return { code: 'at_least_items', params: { count } };
      return { code: 'at_least', params: { minimum: count } };
    }
    case 'too_big': {
      const count = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'at_most_chars', params: { count } };
      if (issue.origin === 'array') return { code: 'at_most_items', params: { count } };
      return { code: 'at_most', params: { maximum: count } };
    }
    case 'invalid_format':
      return { code: 'format' };
    default:
      return undefined;
  }
}

/**
 * Short messages for zod's built-in issues. Schema-level `error` options and custom issues keep
 * their own message (zod gives them precedence over this per-parse map).
 */
function messageFor(issue: RawIssue): string | undefined {
  const problem = problemFor(issue);
  return problem && issueMessage(problem.code, problem.params);
}

/** The code of a finished zod issue: a custom issue's own, a pattern's registered one, else by zod's code. */
function codeOf(issue: z.core.$ZodIssue): CodedProblem {
  if (issue.code === 'custom') return customProblem(issue) ?? { code: 'other' };
  if (issue.code === 'invalid_format' && issue.format === 'regex') return patternProblem(issue.pattern) ?? { code: 'format' };
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) return { code: 'required' };
  if (issue.code === 'invalid_value' && isAnchorList(issue.values) && typeof issue.input === 'string') {
    return { code: 'unknown_anchor', params: { anchor: issue.input } };
  }
  return problemFor(issue as RawIssue) ?? { code: 'other' };
}

/**
 * Parses `input` with `schema`; on failure appends one FieldIssue per problem, with paths under
 * `path`, and returns undefined. An object's unknown keys become one `unknown field` issue each.
 */
export function check<T>(schema: z.ZodType<T>, input: unknown, path: string, issues: FieldIssue[]): T | undefined {
  // With the input in each issue, codeOf can tell a missing value from a wrong one.
  const result = schema.safeParse(input, { error: messageFor, reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const at = joinPath(path, formatPath(issue.path));
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push(issueAt(joinPath(at, key), 'unknown_field'));
    } else {
      issues.push({ path: at, message: issue.message, ...codeOf(issue) });
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
  if (!parseDuration(text)) ctx.addIssue(codedIssue(durationProblem(text)));
});

// One parser for every template, with the engine's sandbox (no file tags, bounded length). Not
// strict about filters: the engine registers its own (`format_date`), which core does not know.
const liquid = createSandboxedLiquid();

/** Where a template may use `secrets`: see docs/flows.md, "Secrets". */
export const SECRETS_ONLY_IN_CREDENTIALS = issueMessage('secrets_only_in_credentials');

/**
 * Why `text` cannot be saved as a template, or null: too long, a parse error, a file tag, or a
 * use of `secrets` where `secrets` is false (a body, a subject: anything but a credential).
 */
export function templateProblem(text: string, options: { secrets?: boolean } = {}): CodedProblem | null {
  if (text.length > MAX_TEMPLATE_LENGTH) return { code: 'template_too_long', params: { count: MAX_TEMPLATE_LENGTH } };
  let parsed: ReturnType<Liquid['parse']>;
  try {
    parsed = liquid.parse(text);
  } catch (error) {
    return parseProblem(error);
  }
  // The word is needed to name the variable, so text without it needs no analysis.
  if (!options.secrets && text.includes('secrets') && liquid.globalVariablesSync(parsed).includes('secrets')) {
    return { code: 'secrets_only_in_credentials' };
  }
  return null;
}

/** templateProblem's English message, or null. */
export function templateError(text: string, options: { secrets?: boolean } = {}): string | null {
  const problem = templateProblem(text, options);
  return problem && issueMessage(problem.code, problem.params);
}

/** True when `text` holds Liquid markup, i.e. its value is only known when rendered. */
export function isTemplated(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

function templateSchema(options: { required: boolean; secrets: boolean }) {
  return z.string().superRefine((text, ctx) => {
    if (options.required && text.trim() === '') {
      ctx.addIssue(codedIssue({ code: 'not_empty' }));
      return;
    }
    const problem = templateProblem(text, options);
    if (problem) ctx.addIssue(codedIssue(problem));
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
const ANCHORS = ['start', 'end'] as const;

function isAnchorList(values: readonly unknown[]): boolean {
  return values.length === ANCHORS.length && ANCHORS.every((anchor, i) => values[i] === anchor);
}

export const anchorSchema = z.enum(ANCHORS, {
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
    const problem = templateProblem(value, options);
    if (problem) issues.push(problemAt(path, problem));
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => checkJsonTemplates(item, `${path}[${i}]`, issues, options));
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) checkJsonTemplates(item, joinPath(path, key), issues, options);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push(issueAt(path, 'finite_number'));
  } else if (value !== null && typeof value !== 'boolean') {
    issues.push(issueAt(path, 'json_value'));
  }
}
