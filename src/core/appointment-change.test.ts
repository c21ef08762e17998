import { describe, expect, it } from 'vitest';
import { applyAppointmentChange, type AppointmentChange, type AppointmentState } from './appointment-change.js';

const T = Date.parse('2026-06-10T09:00:00Z');
const ids = { workspaceId: 'ws_1', contactId: 'ct_1', newId: 'ap_new' };
const change = (over: Partial<AppointmentChange> = {}): AppointmentChange => ({ external_id: 'ext-1', properties: {}, ...over });
const booked = applyAppointmentChange(undefined, change({ start_at: T, properties: { service_duration: 30 } }), ids, T - 1000, T - 1000).row;

describe('applyAppointmentChange', () => {
  it('books a new appointment at revision 1, its end from the service duration', () => {
    expect(booked).toMatchObject({ id: 'ap_new', status: 'booked', start_at: T, end_at: T + 30 * 60_000, revision: 1, last_event_at: T - 1000, service_duration: 30 });
  });

  it.each<[string, AppointmentChange, number, unknown]>([
    ['older than the last change applied: ignored', change({ status: 'canceled' }), T - 2000, { applied: false, row: booked }],
    ['a move: next revision, moved, end kept relative to the duration', change({ start_at: T + 60_000 }), T, { applied: true, moved: true, canceled: false, row: { revision: 2, start_at: T + 60_000, end_at: T + 31 * 60_000, updated_at: T } }],
    ['a cancel: next revision, canceled', change({ status: 'canceled' }), T, { applied: true, moved: false, canceled: true, row: { revision: 2, status: 'canceled' } }],
    ['the same data again: applied, same revision', change({ start_at: T }), T, { applied: true, moved: false, row: { revision: 1, last_event_at: T, updated_at: T - 1000 } }],
    ['an end given: kept as given', change({ end_at: T + 90 * 60_000 }), T, { applied: true, moved: true, row: { start_at: T, end_at: T + 90 * 60_000 } }],
    ['extra merges with what is stored', change({ extra: { a: 1 } }), T, { row: { extra_json: '{"a":1}', revision: 2 } }],
  ])('%s', (_name, incoming, occurredAt, expected) => {
    expect(applyAppointmentChange<AppointmentState>(booked, incoming, ids, occurredAt, T)).toMatchObject(expected as object);
  });

  it('a cancel that is already canceled is not canceled again', () => {
    const canceled = applyAppointmentChange(booked, change({ status: 'canceled' }), ids, T, T).row;
    expect(applyAppointmentChange(canceled, change({ status: 'canceled' }), ids, T + 1, T + 1)).toMatchObject({ applied: true, canceled: false, row: { revision: 2 } });
  });
});
