/** Read-mostly resources: contacts, appointments, deliveries, outbox. */
import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { contactInputSchema } from '../../engine/event-input.js';
import { ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import { zodIssues } from '../../core/zod-issues.js';
import { appointmentView, listAppointments } from '../../store/repositories/appointments.js';
import { contactView, listContacts, upsertContact } from '../../store/repositories/contacts.js';
import { getAppointment, getContact, resolveRefFilters } from '../../store/repositories/record-refs.js';
import { plainWork } from '../../store/unit-of-work.js';
import {
  deliveryView,
  getDelivery,
  getOutboxMessage,
  listDeliveries,
  listOutbox,
  outboxView,
} from '../../store/repositories/deliveries.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom, pageOf } from '../pagination.js';
import { APPOINTMENT_REF_PARAM, CONTACT_REF_PARAM, defineQuery, enumParam, isoTimeParam, searchParam, textParam } from '../query-params.js';
import { readJson } from '../request-body.js';

const APPOINTMENT_STATUSES = ['booked', 'canceled', 'completed', 'checked_in', 'no_show'] as const;
const DELIVERY_STATUSES = ['succeeded', 'retrying', 'failed', 'skipped'] as const;

const SEARCH_PARAM = searchParam('case-insensitive prefix of the email or the name, or of the phone number compared digits only');
export const CONTACT_LIST_QUERY = defineQuery({ ...PAGE_PARAMS, email: textParam('exact email'), external_id: textParam('exact external id'), q: SEARCH_PARAM });
export const APPOINTMENT_LIST_QUERY = defineQuery({
  ...PAGE_PARAMS,
  q: searchParam("the booking system's id (exact), or the contact as in GET /v1/contacts?q="),
  status: enumParam(APPOINTMENT_STATUSES, 'appointment status'),
  contact_id: CONTACT_REF_PARAM,
});
export const DELIVERY_LIST_QUERY = defineQuery({
  ...PAGE_PARAMS,
  session_id: textParam('session'),
  flow_id: textParam('flow'),
  status: enumParam(DELIVERY_STATUSES, 'delivery status'),
  channel: textParam('channel kind, e.g. email or webhook'),
  created_after: isoTimeParam('attempts made at or after this time (ISO 8601 with Z or an offset)'),
  created_before: isoTimeParam('attempts made before this time (ISO 8601 with Z or an offset); later than created_after'),
  contact_id: CONTACT_REF_PARAM,
  appointment_id: APPOINTMENT_REF_PARAM,
});
export const OUTBOX_LIST_QUERY = defineQuery({ ...PAGE_PARAMS, to: textParam('recipient') });

type Db = EngineContext['store']['db'];

/** `/contacts`: list (search), create or update, get by Nudge id or external id. */
function contactRoutes(app: Hono<AppEnv>, ctx: EngineContext, db: Db): void {
  app.get('/contacts', CONTACT_LIST_QUERY.check, async (c) => {
    const { limit, cursor, ...filters } = CONTACT_LIST_QUERY.read(c);
    const page = pageFrom({ limit, cursor });
    const rows = await listContacts(db, c.get('workspace').id, { ...page, ...filters });
    return c.json(pageOf(rows, page, contactView));
  });
  app.post('/contacts', async (c) => {
    const parsed = contactInputSchema.safeParse(await readJson(c));
    if (!parsed.success) throw new ValidationError('invalid_contact', zodIssues(parsed.error));
    const input = parsed.data;
    if (!input.external_id && !input.email && !input.phone) {
      throw new ValidationError('invalid_contact', [issueAt('', 'contact_identity')]);
    }
    const row = await ctx.store.transaction((trx) => upsertContact(plainWork(trx), c.get('workspace').id, input, ctx.clock.now()));
    return c.json({ data: contactView(row) });
  });
  app.get('/contacts/:id', async (c) => {
    return c.json({ data: contactView(await getContact(db, c.get('workspace').id, c.req.param('id'))) });
  });
}

/** `/appointments`: list (search, status, contact), get by Nudge id or the booking system's id. */
function appointmentRoutes(app: Hono<AppEnv>, db: Db): void {
  app.get('/appointments', APPOINTMENT_LIST_QUERY.check, async (c) => {
    const { limit, cursor, contact_id, ...filters } = APPOINTMENT_LIST_QUERY.read(c);
    const page = pageFrom({ limit, cursor });
    const refs = await resolveRefFilters(db, c.get('workspace').id, { contact_id });
    const rows = refs === null ? [] : await listAppointments(db, c.get('workspace').id, { ...page, ...filters, ...refs });
    return c.json(pageOf(rows, page, appointmentView));
  });
  app.get('/appointments/:id', async (c) => {
    return c.json({ data: appointmentView(await getAppointment(db, c.get('workspace').id, c.req.param('id'))) });
  });
}

/** `/deliveries` (filtered, newest first) and `/outbox` (emails kept when no SMTP server is set). */
function sendRoutes(app: Hono<AppEnv>, db: Db): void {
  app.get('/deliveries', DELIVERY_LIST_QUERY.check, async (c) => {
    const { limit, cursor, contact_id, appointment_id, ...filters } = DELIVERY_LIST_QUERY.read(c);
    if (filters.created_after !== undefined && filters.created_before !== undefined && filters.created_before <= filters.created_after) {
      throw new ValidationError('invalid_query', [issueAt('created_before', 'after_other', { other: 'created_after' })]);
    }
    const page = pageFrom({ limit, cursor });
    const refs = await resolveRefFilters(db, c.get('workspace').id, { contact_id, appointment_id });
    const rows = refs === null ? [] : await listDeliveries(db, c.get('workspace').id, { ...page, ...filters, ...refs });
    return c.json(pageOf(rows, page, deliveryView));
  });
  app.get('/deliveries/:id', async (c) => {
    return c.json({ data: deliveryView(await getDelivery(db, c.get('workspace').id, c.req.param('id'))) });
  });

  app.get('/outbox', OUTBOX_LIST_QUERY.check, async (c) => {
    const { limit, cursor, to } = OUTBOX_LIST_QUERY.read(c);
    const page = pageFrom({ limit, cursor });
    const rows = await listOutbox(db, c.get('workspace').id, { ...page, to });
    return c.json(pageOf(rows, page, outboxView));
  });
  app.get('/outbox/:id', async (c) => {
    return c.json({ data: outboxView(await getOutboxMessage(db, c.get('workspace').id, c.req.param('id'))) });
  });
}

export function recordRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  /** The channel modules `send` steps can use, with their settings as JSON Schema. */
  app.get('/channels', (c) => c.json({ data: ctx.registry.describe() }));
  contactRoutes(app, ctx, ctx.store.db);
  appointmentRoutes(app, ctx.store.db);
  sendRoutes(app, ctx.store.db);
  return app;
}
