/** Read-mostly resources: contacts, appointments, deliveries, outbox. */
import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { contactInputSchema } from '../../engine/event-input.js';
import { ValidationError } from '../../core/errors.js';
import { zodIssues } from '../../core/zod-issues.js';
import { appointmentView, listAppointments } from '../../store/repositories/appointments.js';
import { contactView, listContacts, upsertContact } from '../../store/repositories/contacts.js';
import { getAppointment, getContact, resolveRefFilters } from '../../store/repositories/record-refs.js';
import {
  deliveryView,
  getDelivery,
  getOutboxMessage,
  listDeliveries,
  listOutbox,
  outboxView,
} from '../../store/repositories/deliveries.js';
import type { AppEnv } from '../app-types.js';
import { pageOf, readEnum, readPage } from '../pagination.js';
import { readJson } from '../request-body.js';

const APPOINTMENT_STATUSES = ['booked', 'canceled', 'completed', 'checked_in', 'no_show'] as const;
const DELIVERY_STATUSES = ['succeeded', 'retrying', 'failed', 'skipped'] as const;

export function recordRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const db = ctx.store.db;

  /** The channel modules `send` steps can use, with their settings as JSON Schema. */
  app.get('/channels', (c) => c.json({ data: ctx.registry.describe() }));

  app.get('/contacts', async (c) => {
    const page = readPage(c);
    const rows = await listContacts(db, c.get('workspace').id, {
      ...page,
      email: c.req.query('email'),
      external_id: c.req.query('external_id'),
    });
    return c.json(pageOf(rows, page, contactView));
  });
  app.post('/contacts', async (c) => {
    const parsed = contactInputSchema.safeParse(await readJson(c));
    if (!parsed.success) throw new ValidationError('invalid_contact', zodIssues(parsed.error));
    const input = parsed.data;
    if (!input.external_id && !input.email && !input.phone) {
      throw new ValidationError('invalid_contact', [{ path: '', message: 'needs external_id, email or phone to identify the contact' }]);
    }
    const row = await ctx.store.transaction((trx) => upsertContact(trx, c.get('workspace').id, input, ctx.clock.now()));
    return c.json({ data: contactView(row) });
  });
  app.get('/contacts/:id', async (c) => {
    return c.json({ data: contactView(await getContact(db, c.get('workspace').id, c.req.param('id'))) });
  });

  app.get('/appointments', async (c) => {
    const page = readPage(c);
    const status = readEnum(c, 'status', APPOINTMENT_STATUSES);
    const refs = await resolveRefFilters(db, c.get('workspace').id, { contact_id: c.req.query('contact_id') });
    const rows = refs === null ? [] : await listAppointments(db, c.get('workspace').id, { ...page, status, ...refs });
    return c.json(pageOf(rows, page, appointmentView));
  });
  app.get('/appointments/:id', async (c) => {
    return c.json({ data: appointmentView(await getAppointment(db, c.get('workspace').id, c.req.param('id'))) });
  });

  app.get('/deliveries', async (c) => {
    const page = readPage(c);
    const status = readEnum(c, 'status', DELIVERY_STATUSES);
    const refs = await resolveRefFilters(db, c.get('workspace').id, {
      contact_id: c.req.query('contact_id'),
      appointment_id: c.req.query('appointment_id'),
    });
    const rows =
      refs === null
        ? []
        : await listDeliveries(db, c.get('workspace').id, { ...page, session_id: c.req.query('session_id'), flow_id: c.req.query('flow_id'), status, ...refs });
    return c.json(pageOf(rows, page, deliveryView));
  });
  app.get('/deliveries/:id', async (c) => {
    return c.json({ data: deliveryView(await getDelivery(db, c.get('workspace').id, c.req.param('id'))) });
  });

  app.get('/outbox', async (c) => {
    const page = readPage(c);
    const rows = await listOutbox(db, c.get('workspace').id, { ...page, to: c.req.query('to') });
    return c.json(pageOf(rows, page, outboxView));
  });
  app.get('/outbox/:id', async (c) => {
    return c.json({ data: outboxView(await getOutboxMessage(db, c.get('workspace').id, c.req.param('id'))) });
  });

  return app;
}
