/** The owner's pages of people: users, invites and the audit log. */
import { Hono, type Context } from 'hono';
import { NotFoundError } from '../../core/errors.js';
import { formatStoredTime as iso } from '../../core/input-ranges.js';
import { invitePath, inviteUser } from '../../engine/accounts/invites.js';
import { changeUserRole, removeUser, userView } from '../../engine/accounts/users.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { listAudit } from '../../store/repositories/audit-log.js';
import { decodeJson } from '../../store/repositories/json.js';
import { deleteInvite, listOpenInvites } from '../../store/repositories/invites.js';
import { listUsers } from '../../store/repositories/users.js';
import type { AuditLogRow, InviteRow } from '../../store/schema.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom, pageOf } from '../pagination.js';
import { defineQuery, textParam } from '../query-params.js';
import { readJson } from '../request-body.js';
import { requestSource } from '../proxy-trust.js';

export const AUDIT_LIST_QUERY = defineQuery({
  ...PAGE_PARAMS,
  action: textParam('action, e.g. flow.updated'),
  actor_id: textParam('id of the user or API key'),
});

const actorOf = (c: Context<AppEnv>) => {
  const p = c.get('principal');
  return { kind: p.kind, id: p.id, label: p.label, ip: requestSource(c).address };
};

/** Links in answers point at the configured public URL, else at the origin the client called (proxy-trust.ts). */
export function publicBase(ctx: EngineContext, c: Context): string {
  return ctx.config.publicUrl ?? requestSource(c).origin;
}

const inviteView = (row: InviteRow, url: string | null = null) => ({
  id: row.id,
  kind: row.kind,
  role: row.role,
  email: row.email,
  url,
  created_at: iso(row.created_at),
  expires_at: iso(row.expires_at),
});

const auditView = (row: AuditLogRow) => ({
  id: row.id,
  at: iso(row.at),
  actor: { kind: row.actor_kind, id: row.actor_id, label: row.actor_label },
  action: row.action,
  target: row.target_kind === null ? null : { kind: row.target_kind, id: row.target_id },
  details: decodeJson<unknown>(row.details_json, null),
});

export function userRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const ws = (c: Context<AppEnv>) => c.get('workspace').id;

  app.get('/users', async (c) => c.json({ data: (await listUsers(ctx.store.db, ws(c))).map(userView) }));
  app.patch('/users/:id', async (c) => c.json({ data: userView(await changeUserRole(ctx, ws(c), c.req.param('id'), await readJson(c), actorOf(c))) }));
  app.delete('/users/:id', async (c) => c.json({ data: userView(await removeUser(ctx, ws(c), c.req.param('id'), actorOf(c))) }));

  app.get('/invites', async (c) => c.json({ data: (await listOpenInvites(ctx.store.db, ws(c), ctx.clock.now())).map((row) => inviteView(row)) }));
  app.post('/invites', async (c) => {
    const { row, token } = await inviteUser(ctx, ws(c), await readJson(c), actorOf(c));
    return c.json({ data: { ...inviteView(row, publicBase(ctx, c) + invitePath(row.kind, token)), token } }, 201);
  });
  app.delete('/invites/:id', async (c) => {
    if (!(await deleteInvite(ctx.store.db, ws(c), c.req.param('id')))) throw new NotFoundError('invite', c.req.param('id'));
    return c.body(null, 204);
  });

  app.get('/audit-log', AUDIT_LIST_QUERY.check, async (c) => {
    const q = AUDIT_LIST_QUERY.read(c);
    const page = pageFrom(q);
    const rows = await listAudit(ctx.store.db, ws(c), { limit: page.limit, cursor: page.cursor, action: q.action, actorId: q.actor_id });
    return c.json(pageOf(rows, page, auditView));
  });
  return app;
}
