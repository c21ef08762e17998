/**
 * Validation of step lists: each step carries exactly one kind key (wait, branch, webhook, email,
 * update_contact, exit), common fields, and the rules of its kind. Branch steps recurse.
 */

import { z } from 'zod';
import { isValidZone, parseUntil } from './appointment-timing.js';
import { validateConditions } from './condition-validation.js';
import { durationToMs, parseDuration } from './duration.js';
import type { FieldIssue } from './errors.js';
import { STEP_KINDS, type StepKind } from './flow-definition.js';
import {
  anchorSchema,
  check,
  checkJsonTemplates,
  durationText,
  isPlainObject,
  isTemplated,
  joinPath,
  requiredTemplate,
  templateText,
} from './validation-support.js';

/** Longest webhook timeout: a receiver slower than this should answer 202 and work later. */
export const MAX_WEBHOOK_TIMEOUT_MS = 60_000;

/** Step ids: what fits in a URL segment and a log line without quoting. */
export const STEP_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

// RFC 9110 token: what a header name may contain.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const commonShape = {
  id: z.string().regex(STEP_ID_PATTERN, { message: 'expected 1-64 letters, digits, _, . or -' }).optional(),
  name: z.string().optional(),
  max_lateness: durationText.optional(),
  retry: z.object({ max_attempts: z.number().int().min(1).max(20).optional() }).strict().optional(),
};

const waitSchema = z.object({ duration: durationText.optional(), until: z.unknown().optional() }).strict();

const untilObjectSchema = z
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
    url: requiredTemplate,
    headers: z.record(z.string(), templateText).optional(),
    body: z.unknown().optional(),
    form: z.record(z.string(), templateText).optional(),
    timeout: durationText.optional(),
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

const sendSchema = z.object({ channel: z.string().min(1, { message: 'must not be empty' }) }).passthrough();

/** Checks one channel's settings (everything in a send step but `channel`), adding issues under `path`. */
export type ChannelValidator = (settings: Record<string, unknown>, path: string, issues: FieldIssue[]) => void;

export interface StepValidationOptions {
  /**
   * The channels a `send` step may name, with their validators. Absent: any channel name is
   * accepted and only template syntax is checked (core knows no channels; the engine passes them).
   */
  channels?: Readonly<Record<string, ChannelValidator>>;
}

const KIND_SCHEMAS: Record<StepKind, z.ZodType> = {
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
  const schema = min > 0 ? z.array(z.unknown()).min(min, { message: 'at least one step required' }) : z.array(z.unknown());
  const list = check(schema, input, path, issues);
  list?.forEach((step, i) => validateStep(step, `${path}[${i}]`, issues, options));
}

function validateStep(input: unknown, path: string, issues: FieldIssue[], options: StepValidationOptions): void {
  if (!isPlainObject(input)) {
    issues.push({ path, message: 'expected an object' });
    return;
  }
  const kinds = STEP_KINDS.filter((kind) => kind in input);
  if (kinds.length !== 1) {
    const message = kinds.length === 0 ? `expected one of: ${STEP_KINDS.join(', ')}` : `expected only one of: ${kinds.join(', ')}`;
    issues.push({ path, message });
    return;
  }
  const kind = kinds[0] as StepKind;
  const schema = z.object({ ...commonShape, [kind]: KIND_SCHEMAS[kind] }).strict();
  check(schema, input, path, issues);
  const value = input[kind];
  if (isPlainObject(value)) KIND_RULES[kind]?.(value, `${path}.${kind}`, issues, options);
}

function exactlyOne(value: Record<string, unknown>, keys: [string, string], path: string, issues: FieldIssue[]): boolean {
  const present = keys.filter((key) => value[key] !== undefined);
  if (present.length === 1) return true;
  issues.push({ path, message: `expected exactly one of: ${keys.join(', ')}` });
  return false;
}

function checkWait(wait: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (!exactlyOne(wait, ['duration', 'until'], path, issues)) return;
  const until = wait.until;
  const untilPath = joinPath(path, 'until');
  if (typeof until === 'string') {
    const parsed = parseUntil(until);
    if ('error' in parsed) issues.push({ path: untilPath, message: parsed.error });
  } else if (isPlainObject(until)) {
    if (check(untilObjectSchema, until, untilPath, issues)) exactlyOne(until, ['before', 'after'], untilPath, issues);
  } else if (until !== undefined) {
    issues.push({ path: untilPath, message: 'expected an ISO time, appointment.start|end ± duration, or { anchor, before|after }' });
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
  if (typeof url === 'string' && url.trim() !== '' && !isTemplated(url) && !isHttpUrl(url)) issues.push({ path: joinPath(path, 'url'), message: 'expected an http(s) URL' });
  for (const name of Object.keys(isPlainObject(webhook.headers) ? webhook.headers : {})) {
    if (!HEADER_NAME.test(name)) issues.push({ path: joinPath(path, `headers.${name}`), message: 'invalid header name' });
  }
  if (webhook.body !== undefined) checkJsonTemplates(webhook.body, joinPath(path, 'body'), issues);
  if (webhook.body !== undefined && webhook.form !== undefined) {
    issues.push({ path, message: 'use either body or form, not both' });
  }
  const timeout = typeof webhook.timeout === 'string' ? parseDuration(webhook.timeout) : null;
  if (timeout) {
    const ms = durationToMs(timeout);
    if (ms <= 0) issues.push({ path: joinPath(path, 'timeout'), message: 'must be more than 0s' });
    if (ms > MAX_WEBHOOK_TIMEOUT_MS) issues.push({ path: joinPath(path, 'timeout'), message: 'must be at most 60s' });
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

function checkEmail(email: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (email.html === undefined && email.text === undefined) issues.push({ path, message: 'expected html or text' });
}

function checkUpdateContact(update: Record<string, unknown>, path: string, issues: FieldIssue[]): void {
  if (Object.values(update).every((value) => value === undefined)) {
    issues.push({ path, message: 'at least one field required' });
    return;
  }
  const timezone = update.timezone;
  if (typeof timezone === 'string' && !isTemplated(timezone) && !isValidZone(timezone)) {
    issues.push({ path: joinPath(path, 'timezone'), message: `unknown timezone "${timezone}"` });
  }
  if (update.attributes !== undefined) checkJsonTemplates(update.attributes, joinPath(path, 'attributes'), issues);
}

function checkSend(send: Record<string, unknown>, path: string, issues: FieldIssue[], options: StepValidationOptions): void {
  const { channel, ...settings } = send;
  if (typeof channel !== 'string' || channel === '') return; // the shape check reported it
  checkJsonTemplates(settings, path, issues);
  if (!options.channels) return;
  const validator = Object.hasOwn(options.channels, channel) ? options.channels[channel] : undefined;
  if (!validator) {
    const known = Object.keys(options.channels).sort().join(', ');
    issues.push({ path: joinPath(path, 'channel'), message: `unknown channel "${channel}" (available: ${known})` });
    return;
  }
  validator(settings, path, issues);
}
