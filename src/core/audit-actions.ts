/**
 * Every action the audit log records: the operations `server/access-rules.ts` audits and the
 * account events `engine/accounts` writes. One list, so that a new action is named here (the
 * compiler checks the writers use one of these) and the web app's catalogs can be checked to word
 * every one of them.
 */
export const AUDIT_ACTIONS = [
  'flow.created',
  'flow.updated',
  'flow.applied',
  'flow.activated',
  'flow.paused',
  'flow.resumed',
  'flow.archived',
  'flow.test_sent',
  'session.stopped',
  'delivery.retried',
  'api_key.created',
  'api_key.revoked',
  'secret.set',
  'secret.deleted',
  'workspace.updated',
  'workspace.test_email_sent',
  'source.created',
  'source.updated',
  'source.rotated',
  'source.deleted',
  'source.delivery_replayed',
  'contact.exported',
  'contacts.exported',
  'contact.erased',
  'invite.revoked',
  'user.created',
  'user.invited',
  'user.joined',
  'user.signed_in',
  'user.password_changed',
  'user.role_changed',
  'user.removed',
  'user.two_factor_enabled',
  'user.two_factor_disabled',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
