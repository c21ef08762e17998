/**
 * The end-to-end scenario's API for a peer: the same framework as Nudge's (Hono on
 * @hono/node-server) taking the same `appointment.created` event at `POST /v1/events` and
 * enqueueing a job due now. It checks the fields it uses and nothing more (Nudge validates the
 * whole event, stores it, the contact and the appointment). Env: PEER, PEER_CONTEXT.
 * Prints "peer api listening on <url>".
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { EngineName } from '../lib/engine.js';
import type { AppointmentFields, ContactFields } from '../lib/payload.js';
import { loadPeer, type PeerContext } from './peer.js';

const name = process.env.PEER as EngineName;
const ctx = JSON.parse(process.env.PEER_CONTEXT ?? '{}') as PeerContext;
const peer = await loadPeer(name);
const client = await peer.client(ctx);

const app = new Hono();
app.post('/v1/events', async (c) => {
  const event = (await c.req.json()) as { name?: string; appointment?: AppointmentFields; contact?: ContactFields };
  if (event.name !== 'appointment.created' || !event.appointment?.id || !event.contact) {
    return c.json({ error: { code: 'invalid_event', message: 'expected appointment.created with appointment and contact' } }, 400);
  }
  await client.enqueueNow({ appointment: event.appointment, contact: event.contact }, event.appointment.id);
  return c.json({ data: { accepted: true } }, 202);
});

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`peer api listening on http://127.0.0.1:${info.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void client.close().finally(() => process.exit(0));
});
