/**
 * The re-entry bookkeeping of sessions started by fired triggers and not yet written: they block
 * like written sessions, and one written while another check was reading the table still blocks
 * that check.
 */
import { describe, expect, it } from 'vitest';
import type { ReentryPolicy } from '../../src/core/flow-definition.js';
import type { SessionState } from '../../src/core/session-state.js';
import { StartsInFlight } from '../../src/engine/session-writer/starts-in-flight.js';

const check = (key: string, policy: ReentryPolicy = 'once_per_key', contactId: string | null = null) => ({ flowId: 'f1', policy, key, contactId });
const row = (key: string, status: SessionState = 'active', contactId: string | null = null) => ({ flow_id: 'f1', key, contact_id: contactId, status });
const nothingWritten = () => Promise.resolve([false]);

describe('starts in flight', () => {
  it('blocks a second start of the same key until the first is settled unwritten', async () => {
    const inFlight = new StartsInFlight();
    const [a] = await inFlight.admit([check('k')], [row('k')], nothingWritten);
    expect(a).not.toBeNull();
    expect(await inFlight.admit([check('k')], [row('k')], nothingWritten)).toEqual([null]);
    expect((await inFlight.admit([check('other')], [row('other')], nothingWritten))[0]).not.toBeNull();
    a!.settle(null);
    expect((await inFlight.admit([check('k')], [row('k')], nothingWritten))[0]).not.toBeNull();
  });

  it('takes checks of one call in order, and a check the table blocks stays blocked', async () => {
    const inFlight = new StartsInFlight();
    const admitted = await inFlight.admit([check('x'), check('x'), check('y')], [row('x'), row('x'), row('y')], () => Promise.resolve([false, false, true]));
    expect(admitted.map((a) => a !== null)).toEqual([true, false, false]);
    expect(inFlight.size).toBe(1);
  });

  it('keeps a session written during a running check until that check is done', async () => {
    const inFlight = new StartsInFlight();
    const [a] = await inFlight.admit([check('k')], [row('k')], nothingWritten);
    // B reads the table before A is written, so the table does not show A to B.
    let finishRead!: (blocked: boolean[]) => void;
    const b = inFlight.admit([check('k')], [row('k')], () => new Promise((resolve) => (finishRead = resolve)));
    a!.settle(row('k', 'completed'));
    finishRead([false]);
    expect(await b).toEqual([null]);
    // With no check running, written sessions are left to the table.
    expect((await inFlight.admit([check('k')], [row('k')], nothingWritten))[0]).not.toBeNull();
  });

  it('counts a written session by its written state: one that ended no longer blocks once_while_active', async () => {
    const inFlight = new StartsInFlight();
    const [a] = await inFlight.admit([check('k', 'once_while_active')], [row('k')], nothingWritten);
    let finishRead!: (blocked: boolean[]) => void;
    const b = inFlight.admit([check('k', 'once_while_active')], [row('k')], () => new Promise((resolve) => (finishRead = resolve)));
    a!.settle(row('k', 'completed'));
    finishRead([false]);
    expect((await b)[0]).not.toBeNull();
  });

  it('blocks by contact for once_per_contact', async () => {
    const inFlight = new StartsInFlight();
    await inFlight.admit([check('a1', 'once_per_contact', 'c1')], [row('a1', 'active', 'c1')], nothingWritten);
    expect(await inFlight.admit([check('a2', 'once_per_contact', 'c1')], [row('a2', 'active', 'c1')], nothingWritten)).toEqual([null]);
    expect((await inFlight.admit([check('a3', 'once_per_contact', 'c2')], [row('a3', 'active', 'c2')], nothingWritten))[0]).not.toBeNull();
  });

  it('a failed read admits nothing and leaves no check running', async () => {
    const inFlight = new StartsInFlight();
    await expect(inFlight.admit([check('k')], [row('k')], () => Promise.reject(new Error('connection reset')))).rejects.toThrow('connection reset');
    const [a] = await inFlight.admit([check('k')], [row('k')], nothingWritten);
    a!.settle(row('k', 'completed'));
    expect(inFlight.size).toBe(0);
    // Had the failed check been left counted as running, the written session would be kept and block this.
    expect((await inFlight.admit([check('k')], [row('k')], nothingWritten))[0]).not.toBeNull();
  });
});
