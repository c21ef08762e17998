import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { FieldIssue } from './errors.js';
import { validateFlow } from './flow-validation.js';
import { issueMessage, type IssueCode } from './issue-codes.js';

const reminder = {
  name: 'Reminder 24 hours before',
  trigger: { appointment: { anchor: 'start', before: '24h' } },
  steps: [
    {
      id: 'remind',
      email: {
        to: '{{ contact.email }}',
        subject: "See you tomorrow at {{ appointment.start_at | date: '%H:%M' }}",
        html: '<p>Hi {{ contact.first_name }}</p>',
      },
    },
  ],
};

/** A flow with a valid trigger and `step` as its only step. */
function withStep(step: Record<string, unknown>): Record<string, unknown> {
  return { name: 'Test', trigger: { event: 'appointment.created' }, steps: [step] };
}

/** The flow's issues as path and message, once each is checked to carry a code its message is the English of. */
function errorsOf(input: unknown): FieldIssue[] {
  const result = validateFlow(input);
  if (result.ok) throw new Error('expected the flow to be invalid');
  for (const issue of result.errors) {
    expect(issue.code, issue.message).toBeDefined();
    expect(issue.message).toBe(issueMessage(issue.code as IssueCode, issue.params));
  }
  return result.errors.map(({ path, message }) => ({ path, message }));
}

describe('validateFlow: valid flows', () => {
  it('accepts the reminder flow and compiles it', () => {
    const result = validateFlow(reminder);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flow).toBe(reminder);
    expect(result.compiled.trigger).toEqual({
      type: 'appointment',
      anchor: 'start',
      offset: '-24h',
      ifPast: 'skip',
      conditions: [],
    });
    expect(result.compiled.first).toBe('remind');
    expect(result.compiled.reentry).toBe('once_per_key');
    expect(result.compiled.sessionKey).toBeNull();
    expect({ ...result.compiled.steps }).toEqual({
      remind: {
        id: 'remind',
        kind: 'email',
        path: 'steps[0]',
        next: null,
        maxLatenessMs: 3_600_000,
        maxAttempts: 6,
        email: reminder.steps[0]?.email,
      },
    });
  });

  it('accepts a YAML flow', () => {
    const text = `
name: Follow-up after the visit
trigger:
  appointment:
    anchor: end
    after: 1h
    conditions:
      - field: appointment.service_name
        op: in
        value: [Haircut, Colour]
session:
  reentry: once_per_contact
settings:
  max_lateness: 30m
steps:
  - email:
      to: "{{ contact.email }}"
      subject: How was it?
      text: 'Tell us, {{ contact.first_name | default: "friend" }}.'
  - wait:
      until: appointment.end + 7d
  - webhook:
      url: https://hooks.example.com/review
      headers:
        Authorization: "Bearer {{ workspace.secrets.hook }}"
      body:
        contact: "{{ contact.id }}"
        stars: [1, 2, 3]
      timeout: 30s
    retry:
      max_attempts: 3
  - exit:
`;
    const result = validateFlow(parseYaml(text));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { compiled } = result;
    expect(compiled.trigger).toEqual({
      type: 'appointment',
      anchor: 'end',
      offset: '+1h',
      ifPast: 'send_now',
      conditions: [{ field: 'appointment.service_name', op: 'in', value: ['Haircut', 'Colour'] }],
    });
    expect(compiled.reentry).toBe('once_per_contact');
    expect(compiled.first).toBe('s1');
    expect(compiled.steps.s1?.maxLatenessMs).toBe(1_800_000);
    expect(compiled.steps.s1?.next).toBe('s2');
    expect(compiled.steps.s2?.wait).toEqual({ type: 'appointment', anchor: 'end', offset: '+7d' });
    expect(compiled.steps.s2?.maxLatenessMs).toBeNull();
    expect(compiled.steps.s3?.webhook).toEqual({
      url: 'https://hooks.example.com/review',
      method: 'POST',
      headers: { Authorization: 'Bearer {{ workspace.secrets.hook }}' },
      body: { contact: '{{ contact.id }}', stars: [1, 2, 3] },
      timeout: '30s',
    });
    expect(compiled.steps.s3?.maxAttempts).toBe(3);
    expect(compiled.steps.s4).toMatchObject({ kind: 'exit', exit: {}, next: null });
  });
});

describe('validateFlow: errors with paths', () => {
  it.each<[string, unknown, FieldIssue[]]>([
    ['a non-object', 'flow', [{ path: '', message: 'expected an object' }]],
    [
      'missing top-level fields',
      {},
      [
        { path: 'name', message: 'required' },
        { path: 'trigger', message: 'required' },
        { path: 'steps', message: 'required' },
      ],
    ],
    [
      'an unknown anchor and a bad duration',
      { ...reminder, trigger: { appointment: { anchor: 'begin', before: '24 hours' } } },
      [
        { path: 'trigger.appointment.anchor', message: 'unknown anchor "begin"' },
        {
          path: 'trigger.appointment.before',
          message: 'invalid duration "24 hours" (use 30s, 15m, 2h, 1d or ISO 8601)',
        },
      ],
    ],
    [
      'both before and after',
      { ...reminder, trigger: { appointment: { anchor: 'start', before: '1h', after: '1h' } } },
      [{ path: 'trigger.appointment', message: 'expected exactly one of: before, after' }],
    ],
    [
      'a trigger of neither kind',
      { ...reminder, trigger: { schedule: 'daily' } },
      [{ path: 'trigger', message: 'expected one of: event, appointment' }],
    ],
    [
      'a too long name and an empty step list',
      { ...reminder, name: 'x'.repeat(201), steps: [] },
      [
        { path: 'name', message: 'must be at most 200 characters' },
        { path: 'steps', message: 'at least one step required' },
      ],
    ],
    [
      'a misspelt email field',
      withStep({ email: { to: 'a@example.com', subjct: 'Hi', text: 'x' } }),
      [
        { path: 'steps[0].email.subject', message: 'required' },
        { path: 'steps[0].email.subjct', message: 'unknown field' },
      ],
    ],
    [
      'a step without a kind',
      withStep({ id: 'x', send_email: {} }),
      [{ path: 'steps[0]', message: 'expected one of: wait, branch, webhook, email, send, update_contact, exit' }],
    ],
    [
      'an unknown anchor in wait.until',
      withStep({ wait: { until: 'appointment.begin - 2h' } }),
      [{ path: 'steps[0].wait.until', message: 'unknown anchor "begin"' }],
    ],
    [
      'a wait with both duration and until',
      withStep({ wait: { duration: '1h', until: 'appointment.start' } }),
      [{ path: 'steps[0].wait', message: 'expected exactly one of: duration, until' }],
    ],
    [
      'an email with neither html nor text',
      withStep({ email: { to: '{{ contact.email }}', subject: 'Hi' } }),
      [{ path: 'steps[0].email', message: 'expected html or text' }],
    ],
    [
      'a broken template',
      withStep({ email: { to: '{{ contact.email', subject: 'Hi', text: 'x' } }),
      [{ path: 'steps[0].email.to', message: 'template error: output "{{ contact.email" not closed, line:1, col:1' }],
    ],
    [
      'a webhook with body and form, a slow timeout and a bad method',
      withStep({ webhook: { url: 'https://x.test', method: 'FETCH', body: {}, form: { a: 'b' }, timeout: '2m' } }),
      [
        { path: 'steps[0].webhook.method', message: 'expected one of: GET, POST, PUT, PATCH, DELETE' },
        { path: 'steps[0].webhook', message: 'use either body or form, not both' },
        { path: 'steps[0].webhook.timeout', message: 'must be at most 60s' },
      ],
    ],
    [
      'a literal unknown timezone',
      withStep({ update_contact: { timezone: 'Mars/Olympus' } }),
      [{ path: 'steps[0].update_contact.timezone', message: 'unknown timezone "Mars/Olympus"' }],
    ],
    [
      'an empty update_contact',
      withStep({ update_contact: {} }),
      [{ path: 'steps[0].update_contact', message: 'at least one field required' }],
    ],
    [
      'bad retry and id',
      withStep({ id: 'has space', retry: { max_attempts: 0 }, exit: null }),
      [
        { path: 'steps[0].id', message: 'expected 1-64 letters, digits, _, . or -' },
        { path: 'steps[0].retry.max_attempts', message: 'must be at least 1' },
      ],
    ],
    [
      'bad conditions',
      {
        ...reminder,
        trigger: {
          event: ['order.paid'],
          conditions: [
            { field: 'price', op: 'gt', value: 5 },
            { field: 'event.total', op: 'gt', value: 'lots' },
            { field: 'event.tag', op: 'in', value: 'vip' },
            { any: [{ field: 'contact.email', op: 'exists', value: true }] },
            { field: 'event.at', op: 'before' },
          ],
        },
      },
      [
        { path: 'trigger.conditions[0].field', message: 'expected a path under event., contact., appointment., workspace., flow.' },
        { path: 'trigger.conditions[1].value', message: 'expected a number' },
        { path: 'trigger.conditions[2].value', message: 'expected an array' },
        { path: 'trigger.conditions[3].any[0].value', message: 'not used with exists' },
        { path: 'trigger.conditions[4].value', message: 'required' },
      ],
    ],
    [
      'a deep error inside a branch',
      withStep({
        branch: {
          branches: [
            { when: [{ field: 'event.vip', op: 'equals', value: true }], steps: [{ webhook: { url: '{{ x' } }] },
          ],
        },
      }),
      [
        {
          path: 'steps[0].branch.branches[0].steps[0].webhook.url',
          message: 'template error: output "{{ x" not closed, line:1, col:1',
        },
      ],
    ],
    [
      'duplicate step ids, nested ones included',
      {
        ...reminder,
        steps: [
          { id: 'remind', exit: null },
          { branch: { branches: [{ when: [{ field: 'event.a', op: 'exists' }], steps: [{ id: 'remind', exit: null }] }] } },
        ],
      },
      [{ path: 'steps[1].branch.branches[0].steps[0].id', message: 'duplicate step id "remind"' }],
    ],
    [
      'an explicit id that takes a generated one',
      { ...reminder, steps: [{ id: 's2', exit: null }, { exit: null }] },
      [{ path: 'steps[0].id', message: 'duplicate step id "s2"' }],
    ],
  ])('reports %s', (_label, input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });
});
