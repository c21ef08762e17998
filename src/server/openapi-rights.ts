/**
 * The OpenAPI paths of contacts' data rights: export one contact as JSON, all contacts as CSV,
 * erase a contact. Merged into the document by openapi.ts.
 */
import { error, ok, param, type Json } from './openapi-parts.js';

const rights = { '401': error('Missing or invalid credentials'), '403': error('The caller’s role may not do this (owner or admin)'), '404': error('No such contact in this workspace') };

export const rightsPaths: Json = {
  '/v1/contacts.csv': {
    get: {
      summary: 'Every contact of the workspace as CSV, streamed (UTF-8 with a byte order mark, CRLF, cells starting with = + - @ prefixed with \')',
      operationId: 'exportContactsCsv',
      responses: {
        '200': { description: 'id, external_id, email, phone, name, first_name, last_name, language, timezone, attributes (JSON), created_at, updated_at', content: { 'text/csv': { schema: { type: 'string' } } } },
        '401': rights['401'],
        '403': rights['403'],
      },
    },
  },
  '/v1/contacts/{id}/export': {
    get: {
      summary: 'Everything the API shows about one contact (by Nudge id or external id): contact, events, appointments with their revisions, sessions with timelines and deliveries, emails; audited',
      operationId: 'exportContact',
      parameters: [param('id')],
      responses: { '200': ok('{ contact_id, exported_at, erasure, contact, events, appointments: [{ …, revisions }], sessions: [{ …, timeline, deliveries }], outbox }'), ...rights },
    },
  },
  '/v1/contacts/{id}/erase': {
    post: {
      summary: 'Erase a contact: stop its sessions and overwrite its personal data everywhere, keeping rows and counts. Irreversible; audited; a second call answers erased_now: false and changes nothing',
      operationId: 'eraseContact',
      parameters: [param('id')],
      responses: { '200': ok('{ contact_id, erased_now, erased_at, sessions_stopped, counts }'), ...rights },
    },
  },
};
