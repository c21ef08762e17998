/**
 * The bodies of a flow's trials (`POST /v1/flows/{id}/preview`, `/test`, `/dry-run`): which fields
 * each takes, which it needs, and `now` of a dry-run. Every issue carries a code (issue-codes.ts).
 */
import { ValidationError, type FieldIssue } from './errors.js';
import { parseIsoTime } from './input-ranges.js';
import { issueAt } from './issue-codes.js';

export type TrialKind = 'preview' | 'test' | 'dry-run';

type FieldType = 'string' | 'object';

const TRIAL_FIELDS: Record<TrialKind, { allowed: Record<string, FieldType>; required: string[] }> = {
  preview: { allowed: { step_id: 'string', event_id: 'string', event: 'object', definition: 'object' }, required: ['step_id'] },
  test: { allowed: { step_id: 'string', to: 'string', url: 'string', event_id: 'string', event: 'object' }, required: ['step_id'] },
  'dry-run': { allowed: { event_id: 'string', event: 'object', now: 'string', definition: 'object' }, required: [] },
};

/** What is wrong with a trial's body: unknown fields, strings that are not, missing fields, both `event` and `event_id`, a bad `now`. */
export function trialInputIssues(kind: TrialKind, body: Record<string, unknown>): FieldIssue[] {
  const { allowed, required } = TRIAL_FIELDS[kind];
  const issues: FieldIssue[] = [];
  for (const [k, v] of Object.entries(body)) {
    const type = allowed[k];
    if (!type) issues.push(issueAt(k, 'unknown_field'));
    else if (type === 'string' && typeof v !== 'string') issues.push(issueAt(k, 'expected_type', { type: 'string' }));
  }
  for (const k of required) if (body[k] === undefined) issues.push(issueAt(k, 'required'));
  if (body.event !== undefined && body.event_id !== undefined) issues.push(issueAt('event', 'not_both', { first: 'event', second: 'event_id' }));
  if (typeof body.now === 'string' && parseIsoTime(body.now) === null) issues.push(issueAt('now', 'iso_offset_time'));
  return issues;
}

/** Checks a trial's body (400 `invalid_request` naming each bad field); returns `now` of a dry-run as epoch milliseconds. */
export function checkTrialInput(kind: TrialKind, body: Record<string, unknown>): { now: number | undefined } {
  const issues = trialInputIssues(kind, body);
  if (issues.length > 0) throw new ValidationError('invalid_request', issues);
  return { now: typeof body.now === 'string' ? (parseIsoTime(body.now) ?? undefined) : undefined };
}
