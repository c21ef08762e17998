/**
 * The re-entry policy: may a contact enter a flow again now? Each would-be session has a mark
 * (what the policy compares: the flow and key, or the flow and contact), each existing session
 * the marks it blocks; a would-be session whose mark is taken is refused. Pure: the repository
 * (store/repositories/sessions.ts) reads the marks of stored sessions.
 */
import type { ReentryPolicy } from './flow-definition.js';
import { isOpenStatus, OPEN_SESSION_STATUSES, type SessionState } from './session-state.js';

export { isOpenStatus, OPEN_SESSION_STATUSES };

export interface ReentryCheck {
  flowId: string;
  policy: ReentryPolicy;
  key: string;
  contactId: string | null;
  /**
   * No written session can match this check: what it is keyed on (the key, or the contact for
   * `once_per_contact`) was created in this transaction. Only the transaction's own queued sessions
   * and earlier checks of the list are looked at, not the table.
   */
  fresh?: boolean;
}

/** What blocks a check, as a string: flow and key, or flow and contact (null: nothing can block it). */
export function reentryMark(flowId: string, policy: ReentryPolicy, key: string, contactId: string | null): string | null {
  if (policy === 'always') return null;
  if (policy === 'once_per_contact') return contactId === null ? null : `${policy}\0${flowId}\0${contactId}`;
  return `${policy}\0${flowId}\0${key}`;
}

/** The marks a session blocks: its key, its contact, and its key while open. */
export function blockingMarks(s: { flow_id: string; key: string; contact_id: string | null; status: string }): string[] {
  const marks = [reentryMark(s.flow_id, 'once_per_key', s.key, null)!];
  if (s.contact_id !== null) marks.push(reentryMark(s.flow_id, 'once_per_contact', '', s.contact_id)!);
  if (isOpenStatus(s.status as SessionState)) marks.push(reentryMark(s.flow_id, 'once_while_active', s.key, null)!);
  return marks;
}

/**
 * Which checks are refused, given the marks existing sessions take (`taken`, which this adds to).
 * Checks are taken in order, as if each one's session were started before the next is checked:
 * a check that an earlier one of the list would block is blocked too.
 */
export function reentryRefused(checks: readonly ReentryCheck[], taken: Set<string>): boolean[] {
  return checks.map((c) => {
    const m = reentryMark(c.flowId, c.policy, c.key, c.contactId);
    if (m === null) return false;
    if (taken.has(m)) return true;
    taken.add(m);
    return false;
  });
}
