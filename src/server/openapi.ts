/**
 * The OpenAPI 3.1 document served at /v1/openapi.json. Event and contact schemas come from the
 * same zod schemas that validate requests, so the document cannot drift from the code.
 */
import { newApiKeySchema } from '../core/account-input.js';
import { ISSUE_CODES } from '../core/issue-codes.js';
import { workspaceChangesSchema } from '../core/workspace-input.js';
import { contactInputSchema, eventInputSchema } from '../engine/event-input.js';
import { accessPaths } from './openapi-access.js';
import { error, jsonBody, ok, param, ref, toSchema, type Json } from './openapi-parts.js';
import { sourcePaths } from './openapi-sources.js';
import { rightsPaths } from './openapi-rights.js';
import { queryParameters } from './query-params.js';
import { ANALYTICS_QUERY, STEP_COUNTS_QUERY } from './routes/dashboard.js';
import { EVENT_LIST_QUERY } from './routes/events.js';
import { FLOW_APPLY_QUERY, FLOW_CREATE_QUERY, FLOW_LIST_QUERY } from './routes/flows.js';
import { APPOINTMENT_LIST_QUERY, CONTACT_LIST_QUERY, DELIVERY_LIST_QUERY, OUTBOX_LIST_QUERY } from './routes/records.js';
import { SCHEDULE_QUERY } from './routes/schedules.js';
import { SESSION_LIST_QUERY } from './routes/sessions.js';


const errors = {
  '400': error('Invalid input'),
  '401': error('Missing or invalid API key'),
  '403': error('The caller’s role may not do this'),
  '404': error('Not found (or another workspace’s)'),
};

/** Documented examples; the API fuzz test starts from them (read from the document), so they must stay valid requests. */
const EVENT_EXAMPLE = {
  name: 'appointment.created',
  idempotency_key: 'booking-62e1-created',
  occurred_at: '2026-11-22T10:00:00Z',
  contact: { external_id: 'cust-1', email: 'ada@example.com', phone: '+14155550123', first_name: 'Ada', language: 'en', timezone: 'America/Los_Angeles' },
  appointment: { id: '62e144124a6d0b9ed42ffb55', start_at: '2026-11-24T16:30:00Z', timezone: 'America/Los_Angeles', quantity: 1, service_name: 'Tattoo Removal', service_duration: 30, service_price: '149' },
  properties: { source: 'booking-widget' },
};
const CONTACT_EXAMPLE = { external_id: 'cust-1', email: 'ada@example.com', first_name: 'Ada', language: 'en', attributes: { vip: true } };
const FLOW_EXAMPLE = {
  name: 'Reminder 24h before',
  trigger: { appointment: { anchor: 'start', before: '24h' } },
  steps: [
    {
      id: 'language',
      branch: {
        branches: [{ name: 'french', when: [{ field: 'contact.language', op: 'equals', value: 'fr' }], steps: [{ wait: { duration: '5m' } }] }],
        otherwise: [],
      },
    },
    { id: 'remind', email: { to: '{{ contact.email }}', subject: 'See you {{ appointment.start_at | format_date }}', html: '<p>Hi {{ contact.first_name }}</p>' } },
    { id: 'notify', webhook: { url: 'https://example.com/hooks/{{ appointment.id }}', body: { appointment: '{{ appointment.id }}' } } },
  ],
};

/** A flow state change: POST /v1/flows/{id}/<action>. */
const flowAction = (action: string, summary: string): Json => ({
  post: { summary, operationId: `${action}Flow`, parameters: [param('id')], responses: { '200': ok(summary), ...errors, '409': errors['400'] } },
});
/** GET …/schedule of a contact, appointment or flow. */
const schedule = (whose: string): Json => ({
  get: {
    summary: `The schedule of ${whose}: pending and held triggers and steps with their due time, and recorded skips, in due order`,
    parameters: [param('id'), ...queryParameters(SCHEDULE_QUERY)],
    responses: { '200': ok('Schedule entries: id, kind (trigger | step), status (pending | held | skipped), flow_id, step_id, session_id, appointment_id, due_at, reason, message'), ...errors },
  },
});

/** The named schemas the paths refer to (`#/components/schemas/…`). */
function componentSchemas(): Json {
  return {
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string' },
            message: { type: 'string' },
            path: { type: 'string', description: 'The bad field, e.g. steps[2].wait.until' },
            details: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  path: { type: 'string' },
                  message: { type: 'string' },
                  code: { type: 'string', enum: [...ISSUE_CODES], description: 'What is wrong, for clients that word the message in their own language; absent when the message is the only description' },
                  params: { type: 'object', additionalProperties: { type: ['string', 'number'] }, description: 'Values the message names, by code (expected/received, minimum/maximum/origin, values, keys, example …)' },
                },
              },
            },
          },
        },
      },
    },
    Event: { ...toSchema(eventInputSchema), example: EVENT_EXAMPLE },
    Contact: { ...toSchema(contactInputSchema), example: CONTACT_EXAMPLE },
    WorkspaceChanges: toSchema(workspaceChangesSchema),
    NewApiKey: toSchema(newApiKeySchema),
    Flow: {
      type: 'object',
      description: 'A flow definition (JSON, or YAML with content-type application/yaml). See docs/flows.md.',
      required: ['name', 'trigger', 'steps'],
      example: FLOW_EXAMPLE,
      properties: {
        name: { type: 'string' },
        description: { type: 'string' },
        trigger: { type: 'object' },
        steps: { type: 'array', items: { type: 'object' } },
        session: { type: 'object' },
        settings: { type: 'object' },
      },
    },
  };
}

/** The probes, the document itself, events, contacts and appointments. */
function probeAndRecordPaths(): Json {
  return {
  '/health': { get: { summary: 'Liveness and database check', security: [], responses: { '200': ok('Healthy'), '503': ok('Database unreachable') } } },
  '/v1/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': ok('OpenAPI 3.1') } } },
  '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': { description: 'Prometheus text format' } } } },
  '/v1/events': {
    post: {
      summary: 'Send an event',
      operationId: 'sendEvent',
      description: 'Stored once per idempotency key (body field, Idempotency-Key header, or a hash of the body).',
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 200 } }],
      requestBody: jsonBody(ref('Event')),
      responses: { '202': ok('Accepted'), '200': ok('Duplicate: already accepted'), ...errors, '413': errors['400'], '422': errors['400'] },
    },
    get: { summary: 'List events', operationId: 'listEvents', parameters: queryParameters(EVENT_LIST_QUERY), responses: { '200': ok('Events'), ...errors } },
  },
  '/v1/events/batch': {
    post: {
      summary: 'Send up to 1000 events in one transaction',
      operationId: 'sendEvents',
      requestBody: jsonBody({ type: 'object', required: ['events'], properties: { events: { type: 'array', items: ref('Event'), maxItems: 1000 } } }),
      responses: { '202': ok('Accepted'), ...errors, '413': errors['400'], '422': errors['400'] },
    },
  },
  '/v1/events/{id}': { get: { summary: 'Get an event', parameters: [param('id')], responses: { '200': ok('Event'), ...errors } } },
  '/v1/contacts': {
    get: { summary: 'List contacts; q searches email, name and phone by prefix', parameters: queryParameters(CONTACT_LIST_QUERY), responses: { '200': ok('Contacts'), ...errors } },
    post: { summary: 'Create or update a contact', requestBody: jsonBody(ref('Contact')), responses: { '200': ok('Contact'), ...errors } },
  },
  '/v1/contacts/{id}': { get: { summary: 'Get a contact (id or external id)', parameters: [param('id')], responses: { '200': ok('Contact'), ...errors } } },
  '/v1/contacts/{id}/schedule': schedule('a contact (id or external id)'),
  '/v1/appointments': { get: { summary: 'List appointments', parameters: queryParameters(APPOINTMENT_LIST_QUERY), responses: { '200': ok('Appointments'), ...errors } } },
  '/v1/appointments/{id}': { get: { summary: 'Get an appointment (id or booking-system id)', parameters: [param('id')], responses: { '200': ok('Appointment'), ...errors } } },
  '/v1/appointments/{id}/schedule': schedule('an appointment (id or booking-system id)'),
  };
}

/** Flows: definitions, versions, state, previews and trials, schedules. */
function flowPaths(): Json {
  return {
  '/v1/flows': {
    get: { summary: 'List flows with each one\'s trigger; ?include=counts adds sessions by status', parameters: queryParameters(FLOW_LIST_QUERY), responses: { '200': ok('Flows'), ...errors } },
    post: { summary: 'Create a flow (draft; ?activate=true to activate)', parameters: queryParameters(FLOW_CREATE_QUERY), requestBody: jsonBody(ref('Flow')), responses: { '201': ok('Created'), ...errors, '409': errors['400'] } },
  },
  '/v1/flows/apply': {
    post: {
      summary: 'Flows as code: create or update the flow with this name, then activate it (unless ?activate=false)',
      operationId: 'applyFlow',
      parameters: queryParameters(FLOW_APPLY_QUERY),
      requestBody: jsonBody(ref('Flow')),
      responses: { '200': ok('{ action: created | updated | unchanged, flow }'), ...errors, '409': errors['400'] },
    },
  },
  '/v1/flows/validate': { post: { summary: 'Validate a flow definition without saving it', requestBody: jsonBody(ref('Flow')), responses: { '200': ok('{ valid, errors }'), ...errors } } },
  '/v1/flows/{id}': {
    get: { summary: 'Get a flow with its definition, who is at which step, and its skipped reminders and sends by reason', parameters: [param('id')], responses: { '200': ok('Flow'), ...errors } },
    put: { summary: 'Edit a flow: stores a new version', parameters: [param('id')], requestBody: jsonBody(ref('Flow')), responses: { '200': ok('Flow'), ...errors, '409': errors['400'] } },
  },
  '/v1/flows/{id}/activate': flowAction('activate', 'Activate (within the plan limit) or resume'),
  '/v1/flows/{id}/resume': flowAction('resume', 'Resume a paused flow'),
  '/v1/flows/{id}/pause': flowAction('pause', 'Pause: sessions hold where they are'),
  '/v1/flows/{id}/archive': flowAction('archive', 'Archive: sessions end'),
  '/v1/flows/{id}/preview': {
    post: {
      summary: 'Render a send step against a sample booking, an event given inline, or a stored event; of an unsaved draft when `definition` is given',
      parameters: [param('id')],
      requestBody: jsonBody({ type: 'object', required: ['step_id'], properties: { step_id: { type: 'string' }, event_id: { type: 'string' }, event: ref('Event'), definition: ref('Flow') } }),
      responses: { '200': ok('The rendered request'), ...errors },
    },
  },
  '/v1/flows/{id}/test': {
    post: {
      summary: 'Send one step for real, to a given address (email) or URL (webhook)',
      parameters: [param('id')],
      requestBody: jsonBody({ type: 'object', required: ['step_id'], properties: { step_id: { type: 'string' }, to: { type: 'string' }, url: { type: 'string' }, event_id: { type: 'string' }, event: ref('Event') } }),
      responses: { '200': ok('What was sent and what came back'), ...errors },
    },
  },
  '/v1/flows/{id}/dry-run': {
    post: {
      summary: 'The timeline of what the flow (or an unsaved draft of it, `definition`) would send when, for an event, sending nothing',
      parameters: [param('id')],
      requestBody: jsonBody({ type: 'object', properties: { event_id: { type: 'string' }, event: ref('Event'), now: { type: 'string', format: 'date-time' }, definition: ref('Flow') } }),
      responses: { '200': ok('Timeline'), ...errors },
    },
  },
  '/v1/flows/{id}/schedule': schedule('a flow'),
  '/v1/flows/{id}/versions': { get: { summary: 'List versions', parameters: [param('id')], responses: { '200': ok('Versions'), ...errors } } },
  };
}

/** Sessions, deliveries and the outbox. */
function runPaths(): Json {
  return {
  '/v1/sessions': {
    get: {
      summary: 'List sessions',
      parameters: queryParameters(SESSION_LIST_QUERY),
      responses: { '200': ok('Sessions'), ...errors },
    },
  },
  '/v1/sessions/{id}': { get: { summary: 'Get a session with its timeline and deliveries', parameters: [param('id')], responses: { '200': ok('Session'), ...errors } } },
  '/v1/sessions/{id}/stop': { post: { summary: 'Stop a session', parameters: [param('id')], responses: { '200': ok('Session'), ...errors, '409': errors['400'] } } },
  '/v1/deliveries': { get: { summary: 'List delivery attempts', parameters: queryParameters(DELIVERY_LIST_QUERY), responses: { '200': ok('Deliveries'), ...errors } } },
  '/v1/deliveries/{id}': { get: { summary: 'Get a delivery attempt', parameters: [param('id')], responses: { '200': ok('Delivery'), ...errors } } },
  '/v1/outbox': { get: { summary: 'Emails kept locally when no SMTP server is configured', parameters: queryParameters(OUTBOX_LIST_QUERY), responses: { '200': ok('Messages'), ...errors } } },
  '/v1/outbox/{id}': { get: { summary: 'Get an outbox message', parameters: [param('id')], responses: { '200': ok('Message'), ...errors } } },
  };
}

/** Presets, channels, secrets, workspace settings, API keys. */
function settingPaths(): Json {
  return {
  '/v1/presets': { get: { summary: 'Ready flows with placeholders', responses: { '200': ok('Presets'), ...errors } } },
  '/v1/presets/{id}': { get: { summary: 'A preset with its flow and placeholders', parameters: [param('id')], responses: { '200': ok('Preset'), ...errors } } },
  '/v1/presets/{id}/flows': {
    post: {
      summary: 'Make a flow from a preset (secret placeholders are stored as workspace secrets)',
      parameters: [param('id')],
      requestBody: jsonBody({
        type: 'object',
        properties: { placeholders: { type: 'object', additionalProperties: { type: 'string' } }, name: { type: 'string' }, activate: { type: 'boolean' } },
        additionalProperties: false,
      }),
      responses: { '201': ok('The flow, and what is still missing'), ...errors, '409': errors['400'] },
    },
  },
  '/v1/channels': { get: { summary: 'Channel modules for send steps, with their settings schemas', responses: { '200': ok('Channels'), ...errors } } },
  '/v1/secrets': { get: { summary: 'Secret names (values are never returned)', responses: { '200': ok('Secrets'), ...errors } } },
  '/v1/secrets/{name}': {
    put: {
      summary: 'Set a secret (encrypted at rest; use it in flows as {{ secrets.NAME }})',
      parameters: [param('name')],
      requestBody: jsonBody({ type: 'object', required: ['value'], properties: { value: { type: 'string' } }, additionalProperties: false }),
      responses: { '200': ok('Secret name and times'), ...errors },
    },
    delete: { summary: 'Delete a secret', parameters: [param('name')], responses: { '204': { description: 'Deleted' }, ...errors } },
  },
  '/v1/workspace/delivery': {
    get: { summary: 'How this installation delivers (read only): email transport (smtp or outbox), SMTP host, default sender, outbound allow-list', responses: { '200': ok('Delivery settings'), ...errors } },
  },
  '/v1/workspace/test-email': {
    post: {
      summary: 'Send a test email through the configured transport; answers what the SMTP server said, or why it failed',
      requestBody: jsonBody({ type: 'object', required: ['to'], properties: { to: { type: 'string', format: 'email' } }, additionalProperties: false, example: { to: 'owner@example.com' } }),
      responses: { '200': ok('{ ok, transport, response | error }'), ...errors },
    },
  },
  '/v1/api-keys': {
    get: { summary: 'The workspace’s API keys (id, name, prefix and times; never the key or its hash)', responses: { '200': ok('API keys'), ...errors } },
    post: {
      summary: 'Create an API key; the key is in the response only this once',
      requestBody: jsonBody(ref('NewApiKey')),
      responses: { '201': ok('The key’s record and `key`'), ...errors },
    },
  },
  '/v1/api-keys/{id}': {
    delete: { summary: 'Revoke an API key of this workspace (the key in use too: later requests with it get 401)', parameters: [param('id')], responses: { '200': ok('The revoked key’s record'), ...errors } },
  },
  };
}

/** Home, analytics, step counts, retries, the change stream, schemas, the workspace. */
function insightPaths(): Json {
  return {
  '/v1/overview': {
    get: {
      summary: 'The dashboard: timers due today and tomorrow (workspace timezone) and the first 10 of them, sends of the last 7 days, what failed in the last 7 days and still stands (at most 20, newest first), plan and live flows',
      operationId: 'getOverview',
      responses: { '200': ok('{ scheduled: { today, tomorrow }, upcoming: [{ id, kind, flow_id, flow_name, step_id, session_id, due_at, appointment: { id, external_id, start_at, service_name } | null, contact: { id, name, email, phone } | null }], sends_7d: { sent, failed, skipped }, needs_attention: [{ kind, id, session_id, flow_id, flow_name, at, message }], plan: { plan, flow_limit, live_flows }, timezone }'), ...errors },
    },
  },
  '/v1/analytics': {
    get: {
      summary: 'Sessions started and ended and sends by outcome, in total, per day or hour (workspace timezone) and per flow',
      operationId: 'getAnalytics',
      parameters: queryParameters(ANALYTICS_QUERY),
      responses: { '200': ok('{ totals: Counts, series: [{ at, ...Counts }], flows: [{ flow_id, name, ...Counts }] }; Counts = { sessions_started, sessions_completed, sessions_failed, sessions_canceled, sent, failed, skipped, completion_rate }'), ...errors },
    },
  },
  '/v1/analytics.csv': {
    get: {
      summary: 'The same counts as CSV: a header row, then one row per bucket (and flow, when no flow_id is given)',
      operationId: 'getAnalyticsCsv',
      parameters: queryParameters(ANALYTICS_QUERY),
      responses: { '200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors },
    },
  },
  '/v1/flows/{id}/step-counts': {
    get: {
      summary: 'Per step of a flow: open sessions at it now, and its sends (succeeded, failed, skipped) in the period',
      operationId: 'getFlowStepCounts',
      parameters: [param('id'), ...queryParameters(STEP_COUNTS_QUERY)],
      responses: { '200': ok('{ waiting_total, steps: [{ step_id, waiting, sent, failed, skipped }] }'), ...errors },
    },
  },
  '/v1/deliveries/{id}/retry': {
    post: {
      summary: 'Retry a failed delivery: its session is re-armed at that step, due now, and the worker sends it again (see docs/api.md)',
      operationId: 'retryDelivery',
      parameters: [param('id')],
      responses: { '202': ok('{ delivery_id, session_id }'), ...errors, '409': error('not_retryable: the delivery did not fail, or its session moved on') },
    },
  },
  '/v1/stream': {
    get: {
      summary: 'Server-sent events: `event: change` with `data: {"kinds":[...]}` (sessions, deliveries, flows, appointments, contacts) when those change in the workspace; `: ping` every 15 s',
      operationId: 'streamChanges',
      responses: { '200': { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors },
    },
  },
  '/v1/schemas/flow': {
    get: {
      summary: 'JSON Schemas of a flow and of each step kind, channels with their settings schemas, and the variables templates can read',
      operationId: 'getFlowSchemas',
      responses: { '200': ok('{ flow, steps: { <kind>: JSON Schema }, channels: [{ kind, name, description, config, credential_fields }], variables: { event, contact, appointment, flow, workspace, session } }'), ...errors },
    },
  },
  '/v1/workspace': {
    get: { summary: 'The API key’s workspace and its settings', responses: { '200': ok('Workspace'), ...errors } },
    patch: {
      summary: 'Change workspace settings (absent fields stay; flow_limit null means no cap; retention_*_days null means keep forever)',
      requestBody: jsonBody(ref('WorkspaceChanges')),
      responses: { '200': ok('Workspace'), ...errors },
    },
  },
  };
}

export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nudge API',
      version: '1',
      description: 'Events in, flows decide, Nudge sends on time. Authenticate with `Authorization: Bearer <API key>`, or as a signed-in user with the `nudge_session` cookie (writes then also send `X-CSRF-Token`). Each key and user has a role (owner, admin, staff) that limits what it may do.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { session: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'nudge_session', description: 'The web app’s session; writes also need the X-CSRF-Token header' },
      },
      schemas: componentSchemas(),
    },
    paths: {
      ...probeAndRecordPaths(),
      ...flowPaths(),
      ...runPaths(),
      ...settingPaths(),
      ...insightPaths(),
      ...accessPaths,
      ...sourcePaths,
      ...rightsPaths,
    },
  };
}
