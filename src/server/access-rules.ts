/**
 * Every API operation's access rule, in one table: who may call it (anyone, a signed-in user, or
 * a caller whose role holds a permission, core/roles.ts) and what the audit log records when it
 * succeeds. The `authorize` middleware (access.ts) looks each request's route up here and refuses
 * a route that is missing, so a new endpoint is unreachable until it has a rule; a test checks
 * every operation of the OpenAPI document has one.
 *
 * Keys are `METHOD /path` with Hono's route pattern (`:id`), as the route is registered.
 */
import type { AuditAction } from '../core/audit-actions.js';
import type { Permission } from '../core/roles.js';

export type Access = 'public' | 'user' | Permission;

export interface AccessRule {
  access: Access;
  /** Written to the audit log when the operation answers 2xx. */
  audit?: { action: AuditAction; target: string; targetField?: string };
  /** Open to a user who must still set up two-factor sign-in (the workspace requires it). */
  beforeTwoFactor?: true;
}

const read: AccessRule = { access: 'read' };
const audited = (access: Permission, action: AuditAction, target: string): AccessRule => ({ access, audit: { action, target } });
/** Audited with the id the answer names (`data[field]`), not the path's: a contact named by its external id is logged by Nudge's id. */
const auditedByAnswer = (access: Permission, action: AuditAction, target: string, field: string): AccessRule => ({ access, audit: { action, target, targetField: field } });
const own: AccessRule = { access: 'user', beforeTwoFactor: true };

export const ACCESS_RULES: Readonly<Record<string, AccessRule>> = {
  // Getting in (routes/auth.ts)
  'GET /v1/auth/invites/:token': { access: 'public' },
  'POST /v1/auth/invites/:token/accept': { access: 'public' },
  'POST /v1/auth/sign-in': { access: 'public' },
  'GET /v1/auth/me': own,
  'POST /v1/auth/sign-out': own,
  'POST /v1/auth/sign-out-everywhere': own,
  'POST /v1/auth/password': own,
  'POST /v1/auth/two-factor/setup': own,
  'POST /v1/auth/two-factor/enable': own,
  'POST /v1/auth/two-factor/disable': own,

  // Events and records
  'POST /v1/events': { access: 'events:write' },
  'POST /v1/events/batch': { access: 'events:write' },
  'GET /v1/events': read,
  'GET /v1/events/:id': read,
  'GET /v1/contacts': read,
  'POST /v1/contacts': { access: 'events:write' },
  'GET /v1/contacts/:id': read,
  'GET /v1/contacts/:id/schedule': read,
  'GET /v1/contacts.csv': audited('contacts:export', 'contacts.exported', 'workspace'),
  'GET /v1/contacts/:id/export': auditedByAnswer('contacts:export', 'contact.exported', 'contact', 'contact_id'),
  'POST /v1/contacts/:id/erase': auditedByAnswer('contacts:erase', 'contact.erased', 'contact', 'contact_id'),
  'GET /v1/appointments': read,
  'GET /v1/appointments/:id': read,
  'GET /v1/appointments/:id/schedule': read,
  'GET /v1/deliveries': read,
  'GET /v1/deliveries/:id': read,
  'GET /v1/outbox': read,
  'GET /v1/outbox/:id': read,
  'GET /v1/channels': read,

  // Flows
  'GET /v1/flows': read,
  'POST /v1/flows': audited('flows:write', 'flow.created', 'flow'),
  'POST /v1/flows/apply': audited('flows:write', 'flow.applied', 'flow'),
  'POST /v1/flows/validate': read,
  'GET /v1/flows/:id': read,
  'PUT /v1/flows/:id': audited('flows:write', 'flow.updated', 'flow'),
  'GET /v1/flows/:id/versions': read,
  'GET /v1/flows/:id/schedule': read,
  'POST /v1/flows/:id/activate': audited('flows:write', 'flow.activated', 'flow'),
  'POST /v1/flows/:id/pause': audited('flows:write', 'flow.paused', 'flow'),
  'POST /v1/flows/:id/resume': audited('flows:write', 'flow.resumed', 'flow'),
  'POST /v1/flows/:id/archive': audited('flows:write', 'flow.archived', 'flow'),
  'POST /v1/flows/:id/preview': read,
  'POST /v1/flows/:id/dry-run': read,
  'POST /v1/flows/:id/test': audited('flows:write', 'flow.test_sent', 'flow'),
  'GET /v1/presets': read,
  'GET /v1/presets/:id': read,
  'POST /v1/presets/:id/flows': audited('flows:write', 'flow.created', 'flow'),

  // The dashboard (routes/dashboard.ts, stream.ts, schemas.ts)
  'GET /v1/overview': read,
  'GET /v1/analytics': read,
  'GET /v1/analytics.csv': read,
  'GET /v1/flows/:id/step-counts': read,
  'POST /v1/deliveries/:id/retry': audited('deliveries:retry', 'delivery.retried', 'delivery'),
  'GET /v1/stream': read,
  'GET /v1/schemas/flow': read,

  // Sessions
  'GET /v1/sessions': read,
  'GET /v1/sessions/:id': read,
  'POST /v1/sessions/:id/stop': audited('sessions:stop', 'session.stopped', 'session'),

  // Settings
  'GET /v1/workspace': read,
  'PATCH /v1/workspace': audited('settings:write', 'workspace.updated', 'workspace'),
  'GET /v1/workspace/delivery': read,
  'POST /v1/workspace/test-email': audited('settings:write', 'workspace.test_email_sent', 'workspace'),
  'GET /v1/secrets': { access: 'secrets:manage' },
  'PUT /v1/secrets/:name': audited('secrets:manage', 'secret.set', 'secret'),
  'DELETE /v1/secrets/:name': audited('secrets:manage', 'secret.deleted', 'secret'),
  'GET /v1/sources': read,
  'POST /v1/sources': audited('sources:manage', 'source.created', 'source'),
  'GET /v1/sources/:id': read,
  'PATCH /v1/sources/:id': audited('sources:manage', 'source.updated', 'source'),
  'DELETE /v1/sources/:id': audited('sources:manage', 'source.deleted', 'source'),
  'POST /v1/sources/:id/rotate': audited('sources:manage', 'source.rotated', 'source'),
  'POST /v1/sources/:id/preview': read,
  'GET /v1/sources/:id/deliveries': read,
  'GET /v1/sources/:id/deliveries/:deliveryId': read,
  'POST /v1/sources/:id/deliveries/:deliveryId/replay': audited('sources:manage', 'source.delivery_replayed', 'source'),
  'GET /v1/api-keys': { access: 'keys:manage' },
  'POST /v1/api-keys': audited('keys:manage', 'api_key.created', 'api_key'),
  'DELETE /v1/api-keys/:id': audited('keys:manage', 'api_key.revoked', 'api_key'),

  // People (routes/users.ts); their audit entries are written by engine/accounts with details.
  'GET /v1/users': { access: 'users:manage' },
  'PATCH /v1/users/:id': { access: 'users:manage' },
  'DELETE /v1/users/:id': { access: 'users:manage' },
  'GET /v1/invites': { access: 'users:manage' },
  'POST /v1/invites': { access: 'users:manage' },
  'DELETE /v1/invites/:id': audited('users:manage', 'invite.revoked', 'invite'),
  'GET /v1/audit-log': { access: 'audit:read' },
};
