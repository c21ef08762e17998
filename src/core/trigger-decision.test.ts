import { describe, expect, it } from 'vitest';
import type { CompiledTrigger } from './flow-compiler.js';
import { decideFiredTrigger, matchEventTrigger, scheduleTrigger, type AppointmentTrigger, type PastTriggerPolicy } from './trigger-decision.js';

const H = 3_600_000;
const T = Date.parse('2026-06-10T09:00:00Z');
const vip = { field: 'contact.tags', op: 'contains', value: 'vip' } as const;
const onPaid: CompiledTrigger = { type: 'event', events: ['order.paid'], conditions: [vip] };
const dayBefore: AppointmentTrigger = { type: 'appointment', anchor: 'start', offset: '-24h', ifPast: 'skip', conditions: [vip] };
const booked = (startIn: number, status = 'booked') => ({ status, start_at: T + startIn, end_at: T + startIn + H });
const ctx = (tags: string[]) => () => ({ contact: { tags } });

describe('matchEventTrigger', () => {
  it.each<[string, CompiledTrigger, string, string[], unknown]>([
    ['the event and its conditions: start', onPaid, 'order.paid', ['vip'], { match: true }],
    ['another event: no', onPaid, 'order.refunded', ['vip'], { match: false, reason: 'the flow starts on order.paid, not order.refunded' }],
    ['conditions false: no', onPaid, 'order.paid', [], { match: false, reason: 'the trigger’s conditions do not hold' }],
    ['`*` takes every event', { type: 'event', events: ['*'], conditions: [] }, 'anything', [], { match: true }],
    ['an appointment-time flow: no', dayBefore, 'order.paid', ['vip'], { match: false }],
  ])('%s', (_name, trigger, event, tags, expected) => {
    expect(matchEventTrigger(trigger, event, ctx(tags), T)).toMatchObject(expected as object);
  });

  it('reads the context only when there are conditions', () => {
    const context = () => {
      throw new Error('read');
    };
    expect(matchEventTrigger({ type: 'event', events: ['a'], conditions: [] }, 'a', context, T)).toEqual({ match: true });
  });
});

describe('scheduleTrigger', () => {
  it.each<[string, AppointmentTrigger, ReturnType<typeof booked>, PastTriggerPolicy, unknown]>([
    ['ahead: at its time', dayBefore, booked(30 * H), 'record', { type: 'at', dueAt: T + 6 * H }],
    ['canceled: no timer', dayBefore, booked(30 * H, 'canceled'), 'record', { type: 'none' }],
    ['passed, if_past skip, booking: dropped and recorded', dayBefore, booked(10 * H), 'record', { type: 'past', dueAt: T - 14 * H, record: true }],
    ['passed, if_past send_now, booking: now', { ...dayBefore, ifPast: 'send_now' }, booked(10 * H), 'record', { type: 'at', dueAt: T }],
    ['passed, activating a flow: dropped silently', { ...dayBefore, ifPast: 'send_now' }, booked(10 * H), 'drop', { type: 'past', record: false }],
    ['passed, resuming: kept as it is', dayBefore, booked(10 * H), 'keep', { type: 'keep' }],
  ])('%s', (_name, trigger, appointment, past, expected) => {
    expect(scheduleTrigger(trigger, appointment, 'UTC', T, past)).toMatchObject(expected as object);
  });
});

describe('decideFiredTrigger', () => {
  it.each<[string, ReturnType<typeof booked> | undefined, string[], unknown]>([
    ['due, conditions hold: start', booked(24 * H), ['vip'], { type: 'start' }],
    ['the appointment moved later: not yet', booked(30 * H), ['vip'], { type: 'not_yet', dueAt: T + 6 * H }],
    ['the appointment was canceled: skip', booked(24 * H, 'canceled'), ['vip'], { type: 'skip', reason: 'the appointment is canceled' }],
    ['no appointment: skip', undefined, ['vip'], { type: 'skip' }],
    ['conditions false: skip', booked(24 * H), [], { type: 'skip', reason: 'the trigger’s conditions do not hold' }],
  ])('%s', (_name, appointment, tags, expected) => {
    expect(decideFiredTrigger(dayBefore, { appointment, zone: 'UTC', context: ctx(tags) }, T)).toMatchObject(expected as object);
  });
});
