/**
 * Validation of step lists: each step carries exactly one kind key (wait, branch, webhook, email,
 * update_contact, exit), common fields, and the rules of its kind. Branch steps recurse.
 */

import { z } from 'zod';
import { parseUntil } from './appointment-timing.js';
import { isValidZone } from './time-zones.js';
import { validateConditions } from './condition-validation.js';
import { durationToMs, parseDuration } from './duration.js';
import type { FieldIssue } from './errors.js';
import { codedPattern, issueAt, issueMessage, problemAt, type CodedProblem } from './issue-codes.js';
import { STEP_KINDS, type StepKind } from './flow-definition.js';
import {
  anchorSchema,
  check,
  checkJsonTemplates,
  credentialTemplate,
  durationText,
  isPlainObject,
  isTemplated,
  joinPath,
  requiredCredentialTemplate,
  requiredTemplate,
  templateText,
} from './validation-support.js';

/** Longest webhook timeout: a receiver slower than this should answer 202 and work later. */
export const MAX_WEBHOOK_TIMEOUT_MS = 60_000;

/** Step ids: what fits in a URL segment and a log line without quoting. */
export const STEP_ID_PATTERN = codedPattern(/^[A-Za-z0-9_.-]{1,64}$/, 'step_id');

// RFC 9110 token: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Fields every step may have besides its kind (also the source of the flow JSON Schema). */
export const STEP_COMMON_SHAPE = {
  id: z.string().regex(STEP_ID_PATTERN, { message: issueMessage('step_id') }).optional(),
  name: z.string().optional(),
  max_lateness: durationText.optional(),
  retry: z.object({ max_attempts: z.number().int().min(1).max(20).optional() }).strict().optional(),
};

const waitSchema = z.object({ duration: durationText.optional(), until: z.unknown().optional() }).strict();

export const untilObjectSchema = z
  .object({ anchor: anchorSchema, before: durationText.optional(), after: durationText.optional() })
  .strict();

const branchSchema = z
  .object({
    branches: z
      // `when` and `steps` are checked (and recursed into) by checkBranch, so each problem is reported once.
      .array(z.object({ name: z.string().optional(), when: z.unknown().optional(), steps: z.unknown().optional() }).strict())
      .min(1),
    otherwise: z.unknown().optional(),
  })
  .strict();

const webhookSchema = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    // The URL, headers and signing secret are the webhook's credential positions (see docs/flows.md).
    url: requiredCredentialTemplate,
    headers: z.record(z.string(), credentialTemplate).optional(),
    body: z.unknown().optional(),
    form: z.record(z.string(), templateText).optional(),
    timeout: durationText.optional(),
    signing_secret: requiredCredentialTemplate.optional(),
  })
  .strict();

/** BCP 47 language tags as contacts carry them: `fr`, `pt-BR`, `zh-Hant-TW`. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

const emailContentSchema = z
  .object({ subject: requiredTemplate.optional(), html: templateText.optional(), text: templateText.optional() })
  .strict();

export const emailCalendarSchema = z
  .object({
    summary: templateText.optional(),
    location: templateText.optional(),
    description: templateText.optional(),
    filename: z.string().regex(codedPattern(/^[A-Za-z0-9._ -]{1,60}\.ics$/, 'ics_filename'), { message: issueMessage('ics_filename') }).optional(),
  })
  .strict();

const emailSchema = z
  .object({
    to: requiredTemplate,
    cc: templateText.optional(),
    bcc: templateText.optional(),
    from: templateText.optional(),
    reply_to: templateText.optional(),
    subject: requiredTemplate,
    html: templateText.optional(),
    text: templateText.optional(),
    variants: z.record(z.string(), emailContentSchema).optional(),
    // true/false or an options object: checked by checkEmail, so a typo in an option is named.
    calendar: z.unknown().optional(),
    marketing: z.boolean().optional(),
    unsubscribe_url: requiredTemplate.optional(),
  })
  .strict();

const updateContactSchema = z
  .object({
    name: templateText.optional(),
    first_name: templateText.optional(),
    last_name: templateText.optional(),
    email: templateText.optional(),
    phone: templateText.optional(),
    language: templateText.optional(),
    timezone: templateText.optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const exitSchema = z.object({ reason: z.string().optional() }).strict().nullable();

const sendSchema = z.object({ channel: z.string().min(1) }).passthrough();

/** Checks one channel's settings (everything in a send step but `channel`), adding issues under `path`. */
export interface ChannelValidator {
  (settings: Record<string, unknown>, path: string, issues: FieldIssue[]): void;
  /** Settings that hold credentials (`api_key`): the only ones whose templates may use `secrets`. */
  readonly credentialFields?: readonly string[];
}

export interface StepValidationOptions {
  /**
   * The channels a `send` step may name, with their validators. Absent: any channel name is
   * accepted and only template syntax is checked (core knows no channels; the engine passes them).
   */
  channels?: Readonly<Record<string, ChannelValidator>>;
}

/**
 * The shape of each kind's settings. Fields checked by the kind's rules below (wait `until`, branch
 * `when` and `steps`, email `calendar`) are `unknown` here; flow-json-schema.ts describes them.
 */
export const STEP_KIND_SCHEMAS: Record<StepKind, z.ZodType> = {
  wait: waitSchema,
  branch: branchSchema,
  webhook: webhookSchema,
  email: emailSchema,
  update_contact: updateContactSchema,
  send: sendSchema,
  exit: exitSchema,
};

/**
 * Rules beyond shape; `path` points at the kind key. They run even when the shape has errors (so
 * the author sees every problem at once) and therefore only trust fields whose type they check.
 */
type KindRule = (value: Record<string, unknown>, path: string, issues: FieldIssue[], options: StepValidationOptions) => void;

const KIND_RULES: Partial<Record<StepKind, KindRule>> = {
  wait: checkWait,
  branch: checkBranch,
  webhook: checkWebhook,
  email: checkEmail,
  update_contact: checkUpdateContact,
  send: checkSend,
};

/** Checks a step list at `path` (`steps`, `steps[1].branch.otherwise`); `min` steps required (default 0). */
export function validateSteps(
  input: unknown,
  path: string,
  issues: FieldIssue[],
  min = 0,
  options: StepValidationOptions = {},
): void {
  const list = check(z.array(z.unknown()), input, path, issues);
  if (list && list.length < min) issues.push(issueAt(path, 'one_step'));
  list?.forEach((step, i) => validateStep(step, `${path}[${i}]`, issues, options));
}

function validateStep(input: unknown, path: string, issues: FieldIssue[], options: StepValidationOptions): void {
  if (!isPlainObject(input)) {
    issues.push(issueAt(path, 'expected_object'));
    return;
  }
  const kinds = STEP_KINDS.filter((kind) => kind in input);
  if (kinds.length !== 1) {
    issues.push(kinds.length === 0 ? issueAt(path, 'invalid_value', { values: STEP_KINDS.join(', ') }) : issueAt(path, 'only_one', { keys: kinds.join(', ') }));
    return;
  }
  const kind = kinds[0] as StepKind;
  const schema = z.object({ ...STEP_COMMON_SHAPE, [kind]: STEP_KIND_SCHEMAS[kind] }).strict();
  check(schema, input, path, issues);
  const value = input[kind];
  if (isPlainObject(value)) KIND_RULES[kind]?.(value, `${path}.${kind}`, issues, options);
}

function exactlyOne(value: Record<string, unknown>, keys: [string, string], path: string, issues: FieldIssue[]): boolean {
  const present = keys.filter((key) => value[key] !== undefined);
  if (present.length === 1) return true;
  issues.push(issueAt(path, 'exactly_one', { keys: keys.join(', ') }));
  return false;
}

function checkWait(wait: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (!exactlyOne(wait, ['duration', 'until'], path, issues)) return;
  const until = wait.until;
  const untilPath = joinPath(path, 'until');
  if (typeof until === 'string') {
    const parsed = parseUntil(until);
    if ('error' in parsed) issues.push(problemAt(untilPath, parsed.problem));
  } else if (isPlainObject(until)) {
    if (check(untilObjectSchema, until, untilPath, issues)) exactlyOne(until, ['before', 'after'], untilPath, issues);
  } else if (until !== undefined) {
    issues.push(issueAt(untilPath, 'until_value'));
  }
}

function checkBranch(branch: Record<string, unknown>, path: string, issues: FieldIssue[], options: StepValidationOptions): void {
  const branches: unknown[] = Array.isArray(branch.branches) ? branch.branches : [];
  branches.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const at = joinPath(path, `branches[${i}]`);
    validateConditions(item.when, joinPath(at, 'when'), issues, 1);
    validateSteps(item.steps, joinPath(at, 'steps'), issues, 0, options);
  });
  if (branch.otherwise !== undefined) validateSteps(branch.otherwise, joinPath(path, 'otherwise'), issues, 0, options);
}

function checkWebhook(webhook: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  const url = webhook.url;
  if (typeof url === 'string' && url.trim() !== '' && !isTemplated(url) && !isHttpUrl(url)) issues.push(issueAt(joinPath(path, 'url'), 'http_url'));
  for (const name of Object.keys(isPlainObject(webhook.headers) ? webhook.headers : {})) {
    if (!HEADER_NAME.test(name)) issues.push(issueAt(joinPath(path, `headers.${name}`), 'header_name'));
  }
  if (webhook.body !== undefined) checkJsonTemplates(webhook.body, joinPath(path, 'body'), issues);
  if (webhook.body !== undefined && webhook.form !== undefined) {
    issues.push(issueAt(path, 'body_or_form'));
  }
  const secret = webhook.signing_secret;
  if (typeof secret === 'string' && secret.trim() !== '' && !isTemplated(secret)) {
    const problem = signingSecretProblem(secret);
    if (problem) issues.push(problemAt(joinPath(path, 'signing_secret'), problem));
  }
  const timeout = typeof webhook.timeout === 'string' ? parseDuration(webhook.timeout) : null;
  if (timeout) {
    const ms = durationToMs(timeout);
    if (ms <= 0) issues.push(issueAt(joinPath(path, 'timeout'), 'timeout_positive'));
    if (ms > MAX_WEBHOOK_TIMEOUT_MS) issues.push(issueAt(joinPath(path, 'timeout'), 'timeout_max'));
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Why `secret` is not a Standard Webhooks signing secret (`whsec_` + base64 of 24–64 bytes; the
 * prefix may be left out), or null when it is one.
 */
export function signingSecretError(secret: string): string | null {
  const problem = signingSecretProblem(secret);
  return problem && issueMessage(problem.code, problem.params);
}

/** What is wrong with a webhook signing secret, or null when it is a good one. */
export function signingSecretProblem(secret: string): CodedProblem | null {
  const encoded = secret.trim().replace(/^whsec_/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return { code: 'signing_secret' };
  const bytes = (encoded.length / 4) * 3 - (encoded.match(/=+$/)?.[0].length ?? 0);
  if (bytes < 24 || bytes > 64) return { code: 'signing_secret_size', params: { bytes } };
  return null;
}

function checkEmail(email: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (email.html === undefined && email.text === undefined) issues.push(issueAt(path, 'html_or_text'));
  for (const [tag, variant] of Object.entries(isPlainObject(email.variants) ? email.variants : {})) {
    const at = joinPath(path, `variants.${tag}`);
    if (!LANGUAGE_TAG.test(tag)) issues.push(issueAt(at, 'language_tag'));
    if (isPlainObject(variant) && Object.values(variant).every((v) => v === undefined)) {
      issues.push(issueAt(at, 'variant_content'));
    }
  }
  const calendar = email.calendar;
  if (isPlainObject(calendar)) check(emailCalendarSchema, calendar, joinPath(path, 'calendar'), issues);
  else if (calendar !== undefined && typeof calendar !== 'boolean') {
    issues.push(issueAt(joinPath(path, 'calendar'), 'calendar_value'));
  }
  const url = email.unsubscribe_url;
  if (email.marketing === true && url === undefined) {
    issues.push(issueAt(joinPath(path, 'unsubscribe_url'), 'unsubscribe_required'));
  }
  if (url !== undefined && email.marketing !== true) {
    issues.push(issueAt(joinPath(path, 'unsubscribe_url'), 'unsubscribe_unused'));
  }
  if (typeof url === 'string' && url.trim() !== '' && !isTemplated(url) && !isHttpsUrl(url)) {
    issues.push(issueAt(joinPath(path, 'unsubscribe_url'), 'https_unsubscribe'));
  }
}

function isHttpsUrl(text: string): boolean {
  try {
    return new URL(text).protocol === 'https:';
  } catch {
    return false;
  }
}

function checkUpdateContact(update: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (Object.values(update).every((value) => value === undefined)) {
    issues.push(issueAt(path, 'one_field'));
    return;
  }
  const timezone = update.timezone;
  if (typeof timezone === 'string' && !isTemplated(timezone) && !isValidZone(timezone)) {
    issues.push(issueAt(joinPath(path, 'timezone'), 'unknown_timezone', { zone: timezone }));
  }
  if (update.attributes !== undefined) checkJsonTemplates(update.attributes, joinPath(path, 'attributes'), issues);
}

function checkSend(send: Record<string, unknown>, path: string, issues: FieldIssue[], options: StepValidationOptions): void {
  const { channel, ...settings } = send;
  if (typeof channel !== 'string' || channel === '') return; // the shape check reported it
  const validator = options.channels && Object.hasOwn(options.channels, channel) ? options.channels[channel] : undefined;
  // Without channels nothing says which settings are credentials; the engine still enforces it.
  const credentials = new Set(validator?.credentialFields ?? []);
  for (const [key, value] of Object.entries(settings)) {
    checkJsonTemplates(value, joinPath(path, key), issues, { secrets: !options.channels || credentials.has(key) });
  }
  if (!options.channels) return;
  if (!validator) {
    const known = Object.keys(options.channels).sort().join(', ');
    issues.push(issueAt(joinPath(path, 'channel'), 'unknown_channel', { channel, known }));
    return;
  }
  validator(settings, path, issues);
}
