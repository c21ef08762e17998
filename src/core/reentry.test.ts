import { describe, expect, it } from 'vitest';
import type { ReentryPolicy } from './flow-definition.js';
import { blockingMarks, reentryRefused } from './reentry.js';

const session = (status: string, over: Partial<{ key: string; contact_id: string | null }> = {}) => ({ flow_id: 'fl_1', key: 'ap-1', contact_id: 'ct_1', status, ...over });
const check = (policy: ReentryPolicy, over: Partial<{ key: string; contactId: string | null; flowId: string }> = {}) => ({ flowId: 'fl_1', policy, key: 'ap-1', contactId: 'ct_1', ...over });
const taken = (...sessions: ReturnType<typeof session>[]) => new Set(sessions.flatMap(blockingMarks));

describe('reentryRefused', () => {
  it.each<[string, ReentryPolicy, ReturnType<typeof session>[], Partial<{ key: string; contactId: string | null; flowId: string }>, boolean]>([
    ['always: never refused', 'always', [session('waiting')], {}, false],
    ['once_per_key: a session with the key, even ended, refuses', 'once_per_key', [session('completed')], {}, true],
    ['once_per_key: another key enters', 'once_per_key', [session('completed')], { key: 'ap-2' }, false],
    ['once_per_key: another flow enters', 'once_per_key', [session('completed')], { flowId: 'fl_2' }, false],
    ['once_per_contact: the contact, any key, refuses', 'once_per_contact', [session('canceled')], { key: 'ap-9' }, true],
    ['once_per_contact: no contact, nothing to compare', 'once_per_contact', [session('canceled')], { contactId: null }, false],
    ['once_while_active: an open session refuses', 'once_while_active', [session('active')], {}, true],
    ['once_while_active: an ended one does not', 'once_while_active', [session('stopped')], {}, false],
    ['nothing stored: enters', 'once_per_key', [], {}, false],
  ])('%s', (_name, policy, stored, over, refused) => {
    expect(reentryRefused([check(policy, over)], taken(...stored))).toEqual([refused]);
  });

  it('takes checks in order: the second of two alike is refused', () => {
    expect(reentryRefused([check('once_per_key'), check('once_per_key'), check('always'), check('always')], new Set())).toEqual([false, true, false, false]);
  });
});
