import { describe, expect, it } from 'vitest';
import { keysForChange, queryKeys } from './query-keys';

describe('query keys', () => {
  it('nests lists and details under their resource, so invalidating the resource refreshes both', () => {
    const all = queryKeys.sessions.all();
    expect(queryKeys.sessions.list({ status: 'failed' }).slice(0, all.length)).toEqual(all);
    expect(queryKeys.sessions.detail('ss_1').slice(0, all.length)).toEqual(all);
  });

  it('maps every kind the change stream sends to keys', () => {
    for (const kind of ['sessions', 'deliveries', 'flows', 'appointments', 'contacts']) expect(keysForChange[kind]?.length).toBeGreaterThan(0);
  });

  it('refreshes a contact’s upcoming reminders and an appointment’s schedule when an appointment changes', () => {
    const refreshed = (key: readonly unknown[]) => keysForChange.appointments!.some((prefix) => prefix.every((part, i) => key[i] === part));
    expect(refreshed(queryKeys.contacts.schedule('ct_1'))).toBe(true);
    expect(refreshed(queryKeys.appointments.schedule('ap_1'))).toBe(true);
    expect(refreshed(queryKeys.overview())).toBe(true);
  });
});
