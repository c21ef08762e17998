/**
 * The OpenAPI paths of inbound sources: `/v1/sources…` and the public `/hooks/{token}` that vendors
 * call. Merged into the document by openapi.ts; request schemas are the zod schemas the routes use.
 */
import { newSourceSchema, rotateSourceSchema, sourceChangesSchema } from '../engine/sources/source-service.js';
import { previewSchema } from '../engine/sources/source-actions.js';
import { body, error, noContent, ok, param, type Json } from './openapi-parts.js';
import { queryParameters } from './query-params.js';
import { DELIVERY_LIST_QUERY } from './routes/sources.js';

const SOURCE_EXAMPLE: Json = { kind: 'calcom', name: 'Cal.com bookings' };
const PREVIEW_EXAMPLE: Json = {
  body: { triggerEvent: 'BOOKING_CREATED', createdAt: '2026-11-22T10:00:00.000Z', payload: { uid: 'bk-1', startTime: '2026-11-24T16:30:00Z', attendees: [{ email: 'ada@example.com', name: 'Ada' }] } },
};
const admin = { '401': error('Missing or invalid credentials'), '403': error('The caller’s role may not do this'), '404': error('Not found (or another workspace’s)') };
const sourceView = 'Source: { id, kind, name, url, config, created_at, rotated_at, last_delivery }';
const deliveryView = 'Delivery: { id, received_at, outcome (applied | ignored | duplicate | rejected), reason, status_code, verified, vendor_event, vendor_delivery_id, event_ids, replay_of, body_bytes, headers, body }';

export const sourcePaths: Json = {
  '/v1/sources': {
    get: { summary: 'The workspace’s sources, each with its URL and last delivery', operationId: 'listSources', responses: { '200': ok(`{ data: [${sourceView}] }`), ...admin } },
    post: {
      summary: 'Create a source; the answer holds its URL and, this once, its signing secret',
      operationId: 'createSource',
      requestBody: body(newSourceSchema, SOURCE_EXAMPLE),
      responses: { '201': ok(`${sourceView} and secret (none for Shopify, Acuity, Square: their credentials are the vendor’s)`), '400': error('Invalid kind, name, config or credentials (paths name the field)'), ...admin },
    },
  },
  '/v1/sources/{id}': {
    get: { summary: 'One source', operationId: 'getSource', parameters: [param('id')], responses: { '200': ok(sourceView), ...admin } },
    patch: {
      summary: 'Rename a source or replace its config (the generic source’s verification and mapping); URL and secret stay',
      operationId: 'updateSource',
      parameters: [param('id')],
      requestBody: body(sourceChangesSchema, { name: 'Bookings' }),
      responses: { '200': ok(sourceView), '400': error('Invalid input'), ...admin },
    },
    delete: { summary: 'Delete a source and its deliveries; its URL stops working', operationId: 'deleteSource', parameters: [param('id')], responses: { ...noContent, ...admin } },
  },
  '/v1/sources/{id}/rotate': {
    post: {
      summary: 'A new signing secret (in the answer, this once; Shopify, Acuity and Square take the vendor’s new credentials instead); with { "url": true } a new URL too',
      operationId: 'rotateSource',
      parameters: [param('id')],
      requestBody: { ...body(rotateSourceSchema, { url: false }), required: false },
      responses: { '200': ok(`${sourceView} and secret`), '400': error('Invalid input'), ...admin },
    },
  },
  '/v1/sources/{id}/preview': {
    post: {
      summary: 'What a sample body would become (events, ignored with a reason, or issues with paths; with events, issues name the bad optional fields they would be applied without); stores and applies nothing',
      operationId: 'previewSource',
      parameters: [param('id')],
      requestBody: body(previewSchema, PREVIEW_EXAMPLE),
      responses: { '200': ok('{ outcome: events | ignored | invalid, vendor_event, events?, reason?, issues? }'), '400': error('Invalid mapping'), ...admin },
    },
  },
  '/v1/sources/{id}/deliveries': {
    get: {
      summary: 'Webhooks the source received, newest first',
      operationId: 'listSourceDeliveries',
      parameters: [param('id'), ...queryParameters(DELIVERY_LIST_QUERY)],
      responses: { '200': ok(`{ data: [${deliveryView}], next_cursor }`), ...admin },
    },
  },
  '/v1/sources/{id}/deliveries/{deliveryId}': {
    get: { summary: 'One received webhook', operationId: 'getSourceDelivery', parameters: [param('id'), param('deliveryId')], responses: { '200': ok(deliveryView), ...admin } },
  },
  '/v1/sources/{id}/deliveries/{deliveryId}/replay': {
    post: {
      summary: 'Apply a stored, verified delivery again (idempotent: what it applied before is not applied twice); recorded as a new delivery',
      operationId: 'replaySourceDelivery',
      parameters: [param('id'), param('deliveryId')],
      responses: { '200': ok(deliveryView), '409': error('not_replayable: unverified, or its body was not kept'), ...admin },
    },
  },
  '/hooks/{token}': {
    post: {
      summary: 'Where a booking system sends webhooks: the token finds the source, the vendor’s signature authenticates (see docs/sources.md)',
      operationId: 'receiveWebhook',
      security: [],
      parameters: [param('token')],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object' } }, 'application/x-www-form-urlencoded': { schema: { type: 'object' } } },
      },
      responses: {
        '200': ok('{ data: { delivery_id, outcome: applied | ignored, reason, event_ids } }; a redelivery: { status: "duplicate", data: { outcome: duplicate, reason: <first delivery id> } }'),
        '400': error('Malformed JSON'),
        '401': error('missing_signature, bad_signature or stale_timestamp'),
        '404': error('No source has this URL'),
        '413': error('Body too large'),
        '415': error('Not the vendor’s content type (JSON; form-encoded for Acuity)'),
        '422': error('unmappable: the body does not make a valid event'),
        '502': error('upstream_failed: the vendor’s API (Acuity) could not be read; the vendor retries'),
      },
    },
  },
};
