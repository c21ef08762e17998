/**
 * The single gate for authored flows (API, CLI, presets, YAML files): unknown input in, either a
 * typed FlowDefinition with its compiled graph, or every problem found with its path
 * (`steps[2].wait.until: unknown anchor "begin"`).
 */

import { z } from 'zod';
import { unknownEventProblem } from './event-names.js';
import { validateConditions } from './condition-validation.js';
import type { FieldIssue } from './errors.js';
import { issueAt, problemAt, type CodedProblem } from './issue-codes.js';
import { compileFlow, placeSteps, type CompiledFlow } from './flow-compiler.js';
import { REENTRY_POLICIES, type FlowDefinition } from './flow-definition.js';
import { validateSteps, type StepValidationOptions } from './step-validation.js';
import { anchorSchema, check, durationText, isPlainObject, templateText } from './validation-support.js';

export type FlowValidationResult =
  | { ok: true; flow: FlowDefinition; compiled: CompiledFlow }
  | { ok: false; errors: FieldIssue[] };

/** Longest flow name, so lists and logs stay readable. */
export const MAX_FLOW_NAME_LENGTH = 200;

/** The flow's own fields; `trigger` and `steps` are checked apart (flow-json-schema.ts describes them). */
export const flowSchema = z
  .object({
    name: z.string().max(MAX_FLOW_NAME_LENGTH).refine((name) => name.trim() !== '', { message: 'must not be empty', params: { code: 'not_empty' } }),
    description: z.string().optional(),
    // Checked by validateTrigger and validateSteps, which report a missing value themselves.
    trigger: z.unknown().optional(),
    steps: z.unknown().optional(),
    session: z.object({ key: templateText.optional(), reentry: z.enum(REENTRY_POLICIES).optional() }).strict().optional(),
    settings: z.object({ max_lateness: durationText.optional() }).strict().optional(),
  })
  .strict();

const eventTriggerSchema = z.object({ event: z.unknown().optional(), conditions: z.unknown().optional() }).strict();

export const appointmentTriggerSchema = z
  .object({
    appointment: z
      .object({
        anchor: anchorSchema,
        before: durationText.optional(),
        after: durationText.optional(),
        if_past: z.enum(['skip', 'send_now']).optional(),
        conditions: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();

/**
 * Validates an authored flow. Never throws: every problem comes back as a FieldIssue with a
 * path (`trigger.appointment.before`, `steps[1].branch.branches[0].steps[0].webhook.url`) and a
 * short message. On success `flow` is the input itself, narrowed (no defaults filled in; the
 * compiled graph carries them) and `compiled` is `compileFlow(flow)`.
 */
export function validateFlow(input: unknown, options: StepValidationOptions = {}): FlowValidationResult {
  try {
    const issues = dedupe(collectIssues(input, options));
    if (issues.length > 0) return { ok: false, errors: issues };
    const flow = input as FlowDefinition;
    return { ok: true, flow, compiled: compileFlow(flow) };
  } catch (error) {
    // Only reachable with input no JSON or YAML parser produces (e.g. cyclic objects).
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [issueAt('', 'invalid_flow', { detail: message })] };
  }
}

function collectIssues(input: unknown, options: StepValidationOptions): FieldIssue[] {
  if (!isPlainObject(input)) return [issueAt('', 'expected_object')];
  const issues: FieldIssue[] = [];
  check(flowSchema, input, '', issues);
  validateTrigger(input.trigger, issues);
  validateSteps(input.steps, 'steps', issues, 1, options);
  if (issues.length === 0) checkStepIds(input as unknown as FlowDefinition, issues);
  return issues;
}

/** Drops repeated (path, message) pairs, keeping the first order. */
function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function validateTrigger(trigger: unknown, issues: FieldIssue[]): void {
  if (trigger === undefined) {
    issues.push(issueAt('trigger', 'required'));
    return;
  }
  if (!isPlainObject(trigger)) {
    issues.push(issueAt('trigger', 'expected_object'));
    return;
  }
  const kinds = (['event', 'appointment'] as const).filter((kind) => kind in trigger);
  if (kinds.length !== 1) {
    issues.push(kinds.length === 0 ? issueAt('trigger', 'invalid_value', { values: 'event, appointment' }) : issueAt('trigger', 'only_one', { keys: 'event, appointment' }));
    return;
  }
  // The rules below run even when the shape has errors, so every problem is reported at once.
  if (kinds[0] === 'event') {
    check(eventTriggerSchema, trigger, 'trigger', issues);
    checkEventNames(trigger.event, issues);
    if (trigger.conditions !== undefined) validateConditions(trigger.conditions, 'trigger.conditions', issues);
    return;
  }
  check(appointmentTriggerSchema, trigger, 'trigger', issues);
  const appointment = trigger.appointment;
  if (!isPlainObject(appointment)) return;
  if ((appointment.before === undefined) === (appointment.after === undefined)) {
    issues.push(issueAt('trigger.appointment', 'exactly_one', { keys: 'before, after' }));
  }
  if (appointment.conditions !== undefined) {
    validateConditions(appointment.conditions, 'trigger.appointment.conditions', issues);
  }
}

function checkEventNames(event: unknown, issues: FieldIssue[]): void {
  const names = Array.isArray(event) ? event : [event];
  if (event === undefined) {
    issues.push(issueAt('trigger.event', 'required'));
  } else if (Array.isArray(event) && event.length === 0) {
    issues.push(issueAt('trigger.event', 'at_least_items', { count: 1 }));
  } else {
    names.forEach((name, i) => {
      const path = Array.isArray(event) ? `trigger.event[${i}]` : 'trigger.event';
      const problem: CodedProblem | undefined =
        typeof name !== 'string' ? { code: 'string_or_list' } : name.trim() === '' ? { code: 'not_empty' } : unknownEventProblem(name);
      if (problem) issues.push(problemAt(path, problem));
    });
  }
}

/**
 * Step ids must be unique across the whole flow, nested steps and generated ids included (an
 * author who names a step `s2` collides with the generated id of the second top-level step).
 */
function checkStepIds(flow: FlowDefinition, issues: FieldIssue[]): void {
  const seen = new Map<string, { path: string; explicit: boolean }>();
  placeSteps(flow.steps, ({ id, path, explicit }) => {
    const earlier = seen.get(id);
    if (!earlier) {
      seen.set(id, { path, explicit });
      return;
    }
    // Point at an id the author wrote: a generated id cannot be edited.
    const at = explicit ? path : earlier.path;
    issues.push(issueAt(`${at}.id`, 'duplicate_step', { id }));
  });
}
