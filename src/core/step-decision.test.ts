import { describe, expect, it } from 'vitest';
import { compileFlow, type CompiledStep } from './flow-compiler.js';
import type { FlowDefinition } from './flow-definition.js';
import { planCommit } from './step-commit.js';
import { decideStep, type SendAnswer, type StepFacts } from './step-decision.js';

const H = 3_600_000;
const T = Date.parse('2026-06-10T09:00:00Z');

const flow: FlowDefinition = {
  name: 'Decisions',
  trigger: { appointment: { anchor: 'start', before: '24h' } },
  steps: [
    { id: 'remind', email: { to: '{{ contact.email }}', subject: 'Soon', text: 'x' }, retry: { max_attempts: 3 } },
    { id: 'pause', wait: { duration: '1d' } },
    { id: 'before', wait: { until: 'appointment.start - 2h' } },
    { id: 'route', branch: { branches: [{ name: 'vip', when: [{ field: 'contact.tags', op: 'contains', value: 'vip' }], steps: [{ id: 'vip', exit: null }] }] } },
    { id: 'bye', exit: { reason: 'done' } },
  ],
};
const steps = compileFlow(flow).steps;
const step = (id: string): CompiledStep => steps[id]!;

/** Booked at revision 1, starting at T + 30h; the session was started at that revision, gated 24h before start. */
type Over = Omit<Partial<StepFacts>, 'session'> & { session?: Partial<StepFacts['session']> };

function facts(over: Over = {}): StepFacts {
  const { session, ...rest } = over;
  return {
    session: { id: 'ss_1', status: 'active', wake_at: null, attempt: 1, contact_id: 'ct_1', appointment_id: 'ap_1', appointment_revision: 1, ...session },
    gate: { anchor: 'start', offset: '-24h' },
    appointment: { status: 'booked', revision: 1, start_at: T + 30 * H, end_at: T + 31 * H },
    zone: 'UTC',
    dueRef: T,
    retry: { baseMs: 60_000, maxMs: 3_600_000, random: () => 0 },
    ...rest,
  };
}

describe('decideStep: a send and the appointment as it is now', () => {
  it.each<[string, Over, number, unknown]>([
    ['due and unchanged: send', {}, T, { type: 'send' }],
    ['moved later before it was due: wait for the new time', { appointment: { status: 'booked', revision: 2, start_at: T + 40 * H, end_at: T + 41 * H } }, T, { type: 'wait', dueAt: T + 16 * H, gate: { anchor: 'start', offset: '-24h' } }],
    ['moved earlier, its new time passed: send now', { appointment: { status: 'booked', revision: 2, start_at: T + 20 * H, end_at: T + 21 * H } }, T, { type: 'send' }],
    ['canceled while the run raced it: end canceled', { appointment: { status: 'canceled', revision: 2, start_at: T + 30 * H, end_at: T + 31 * H } }, T, { type: 'end', status: 'canceled', reason: 'appointment canceled before send' }],
    ['resumed within max_lateness (1h): send', {}, T + 30 * 60_000, { type: 'send' }],
    ['resumed beyond max_lateness: skip, recorded', {}, T + 2 * H, { type: 'move', target: 'pause', effect: { type: 'record_skip', stepId: 'remind', dueAt: T, reason: 'too_late', message: 'skipped: 7200 s late, more than max_lateness' } }],
  ])('%s', (_name, over, now, expected) => {
    expect(decideStep(step('remind'), facts(over), now)).toMatchObject(expected as object);
  });

  it('a late skip records a skipped delivery and never looks at the appointment', () => {
    const decision = decideStep(step('remind'), facts({ appointment: undefined }), T + 2 * H);
    expect(decision).toMatchObject({ delivery: { channel: 'email', status: 'skipped', error: 'late' } });
  });
});

describe('decideStep: after the send answered', () => {
  const failed = (retryable: boolean, retryAfterMs: number | null = null): SendAnswer => ({
    type: 'failed', channel: 'email', error: { message: 'HTTP 503' }, retryable, retryAfterMs, request: { to: 'a@b.c' }, response: null, durationMs: 12,
  });
  it.each<[string, SendAnswer, number, unknown]>([
    ['sent: move on', { type: 'sent', channel: 'email', result: { request: 1, response: 2 }, durationMs: 5 }, 1, { type: 'move', target: 'pause', delivery: { status: 'succeeded', request: 1, response: 2 } }],
    ['no recipient: skip it', { type: 'no_recipient', channel: 'email', request: {} }, 1, { type: 'move', target: 'pause', delivery: { status: 'skipped', error: 'no recipient' } }],
    ['rate limited: wait out the limit', { type: 'rate_limited', channel: 'sms', delayMs: 9_000 }, 1, { type: 'wait', dueAt: T + 9_000 }],
    ['retryable, attempts left: retry after the backoff', failed(true), 1, { type: 'wait', dueAt: T + 30_000, patch: { attempt: 2 }, delivery: { status: 'retrying' } }],
    ['retryable with Retry-After: retry then', failed(true, 120_000), 2, { type: 'wait', dueAt: T + 120_000, patch: { attempt: 3 } }],
    ['retryable, last attempt: give up', failed(true), 3, { type: 'end', status: 'failed', reason: 'email remind failed: HTTP 503 (gave up after 3 attempts)', delivery: { status: 'failed' } }],
    ['permanent: fail at once', failed(false), 1, { type: 'end', status: 'failed', reason: 'email remind failed: HTTP 503 (permanent error)' }],
  ])('%s', (_name, answer, attempt, expected) => {
    expect(decideStep(step('remind'), facts({ answer, session: { attempt } }), T)).toMatchObject(expected as object);
  });

  it('notes the appointment revision that changed before the send went ahead', () => {
    const moved = { status: 'booked', revision: 3, start_at: T + 20 * H, end_at: T + 21 * H };
    const answer: SendAnswer = { type: 'sent', channel: 'email', result: { request: 1, response: 2 }, durationMs: 5 };
    expect(decideStep(step('remind'), facts({ appointment: moved, answer }), T)).toMatchObject({ type: 'move', patch: { appointment_revision: 3 } });
  });
});

describe('decideStep: waits', () => {
  const ny = '2026-03-07T12:00:00-05:00';
  it.each<[string, string, Over, number, unknown]>([
    ['a day across the spring DST change keeps the wall-clock time (23 h)', 'pause', { zone: 'America/New_York' }, Date.parse(ny), { type: 'wait', dueAt: Date.parse('2026-03-08T12:00:00-04:00') }],
    ['a day in UTC is 24 h', 'pause', {}, T, { type: 'wait', dueAt: T + 24 * H, gate: null }],
    ['a running duration wait keeps its end', 'pause', { session: { status: 'waiting', wake_at: T + 5 * H } }, T, { type: 'wait', dueAt: T + 5 * H, logs: [] }],
    ['a running duration wait at its end moves on', 'pause', { session: { status: 'waiting', wake_at: T } }, T, { type: 'move', target: 'before', logs: [{ message: 'wait over' }] }],
    ['an appointment wait follows the appointment', 'before', {}, T, { type: 'wait', dueAt: T + 28 * H, gate: { anchor: 'start', offset: '-2h' } }],
    ['an appointment wait already passed moves on, gated', 'before', {}, T + 29 * H, { type: 'move', patch: { gate: { anchor: 'start', offset: '-2h' }, appointment_revision: 1 } }],
    ['an appointment wait without an appointment moves on', 'before', { appointment: undefined }, T, { type: 'move', target: 'route', logs: [{ message: 'no appointment to wait for' }] }],
  ])('%s', (_name, id, over, now, expected) => {
    expect(decideStep(step(id), facts(over), now)).toMatchObject(expected as object);
  });
});

describe('decideStep: branch, update_contact, exit', () => {
  it.each<[string, string, Over, unknown]>([
    ['takes the first branch whose conditions hold', 'route', { context: { contact: { tags: ['vip'] } } }, { type: 'move', target: 'vip', took: 'vip' }],
    ['else otherwise, here the next step', 'route', { context: { contact: { tags: [] } } }, { type: 'move', target: 'bye', took: 'otherwise' }],
    ['exit ends completed with its reason', 'bye', {}, { type: 'end', status: 'completed', reason: 'exit: done' }],
  ])('%s', (_name, id, over, expected) => {
    expect(decideStep(step(id), facts(over), T)).toMatchObject(expected as object);
  });
});

describe('planCommit', () => {
  const at = { status: 'active', step_id: 'remind', seq: 4 };
  it.each<[string, Parameters<typeof planCommit>[0], unknown]>([
    ['a move goes straight on, leased', { type: 'move', target: 'pause', logs: [] }, { update: { status: 'active', step_id: 'pause', attempt: 1, wake_at: null, seq: 5 }, timer: 'lease', end: null }],
    ['a move past the last step completes', { type: 'move', target: null, logs: [] }, { update: { status: 'completed', end_reason: 'reached the end', seq: 5 }, timer: 'delete', end: { status: 'completed' } }],
    ['a wait waits, timed', { type: 'wait', dueAt: T, gate: null, logs: [] }, { update: { status: 'waiting', wake_at: T }, timer: { dueAt: T, gate: null } }],
    ['an end ends, logged', { type: 'end', status: 'canceled', reason: 'x', logs: [] }, { update: { status: 'canceled', ended_at: T }, logs: [{ type: 'canceled', step_id: 'remind', message: 'x' }] }],
  ])('%s', (_name, outcome, expected) => {
    expect(planCommit(outcome, at, T)).toMatchObject(expected as object);
  });
});
