import { describe, expect, it } from 'vitest';
import type { CompiledTrigger } from '../../core/flow-compiler.js';
import type { AppointmentTrigger } from '../../core/trigger-decision.js';
import { triggerTimerId } from '../../store/repositories/timers.js';
import { triggerKindOf } from './trigger-kinds.js';

const H = 3_600_000;
const T = Date.parse('2026-06-10T09:00:00Z');
const onPaid: CompiledTrigger = { type: 'event', events: ['order.paid'], conditions: [] };
const dayBefore: AppointmentTrigger = { type: 'appointment', anchor: 'start', offset: '-24h', ifPast: 'skip', conditions: [] };
const booked = (startIn: number, status = 'booked') => ({ status, start_at: T + startIn, end_at: T + startIn + H });
const noContext = () => ({});

describe('trigger kinds', () => {
  it('the event kind starts at once on its events and keeps no timers', () => {
    const kind = triggerKindOf(onPaid);
    expect(kind.timers).toBeUndefined();
    expect(kind.match!(onPaid, { type: 'event', name: 'order.paid' }, noContext, T)).toEqual({ match: true });
    expect(kind.match!(onPaid, { type: 'event', name: 'order.refunded' }, noContext, T)).toMatchObject({ match: false });
  });

  it('the appointment kind never starts at once; its timers follow the appointment', () => {
    const kind = triggerKindOf(dayBefore);
    expect(kind.match).toBeUndefined();
    const timers = kind.timers!;
    expect(timers.subject).toBe('appointment');
    expect(timers.schedule(dayBefore, booked(48 * H), 'UTC', T, 'record')).toEqual({ type: 'at', dueAt: T + 24 * H });
    expect(timers.schedule(dayBefore, booked(2 * H), 'UTC', T, 'record')).toEqual({ type: 'past', dueAt: T - 22 * H, record: true });
    expect(timers.schedule(dayBefore, booked(48 * H, 'canceled'), 'UTC', T, 'record')).toEqual({ type: 'none' });
    expect(timers.gate(dayBefore)).toEqual({ anchor: 'start', offset: '-24h' });
  });

  it('a fired appointment timer starts, waits for a later time, or is skipped, from the appointment as it is now', () => {
    const { fire } = triggerKindOf(dayBefore).timers!;
    expect(fire(dayBefore, { subject: booked(24 * H), zone: 'UTC', context: noContext }, T)).toEqual({ type: 'start' });
    expect(fire(dayBefore, { subject: booked(30 * H), zone: 'UTC', context: noContext }, T)).toEqual({ type: 'not_yet', dueAt: T + 6 * H });
    expect(fire(dayBefore, { subject: booked(24 * H, 'canceled'), zone: 'UTC', context: noContext }, T)).toEqual({ type: 'skip', reason: 'the appointment is canceled' });
    expect(fire(dayBefore, { subject: undefined, zone: 'UTC', context: noContext }, T)).toMatchObject({ type: 'skip' });
  });

  it('trigger timers are keyed by flow and subject; an appointment keeps the key of rows already written', () => {
    expect(triggerTimerId('fl_1', { kind: 'appointment', id: 'ap_1' })).toBe('tr_fl_1_ap_1');
    expect(triggerTimerId('fl_1', { kind: 'contact', id: 'ct_1' })).toBe('tr_fl_1_contact_ct_1');
    expect(triggerTimerId('fl_1', { kind: 'flow', id: 'fl_1' })).toBe('tr_fl_1_flow_fl_1');
  });
});
